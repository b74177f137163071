/**
 * The gateway's checks for a request signed V3 (ACS3-HMAC-SHA256): the action and version in
 * `x-acs-action` / `x-acs-version`, the AccessKey in the Authorization header, the date in
 * `x-acs-date`, the body's SHA-256, that host and every x-acs-* header are signed, the signature,
 * then the nonce. Business parameters come from the query (the SDK's way) or a form body.
 */
import type { RpcParams } from '../../channels/aliyun-sms/signature.js';
import { ACTIONS, type GatewayCheck, type GatewayRefusal } from './gateway.js';
import { ACS3, canonicalRequest, parseAuthorization, sha256Hex, signatureMatchesV3, type V3Request } from './signature-v3.js';

const DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** True for a request signed V3 (its Authorization header names ACS3-HMAC-SHA256). */
export function isSignedV3(authorization: string | undefined): boolean {
  return authorization?.startsWith(`${ACS3} `) === true;
}

/** A V3 request as the server read it. */
export interface V3Incoming extends V3Request {
  /** The raw body, for its SHA-256. */
  readonly body: string;
}

/** The request's parameters for the action (query and form body), with Action, Version and Format as V1 names them. */
export function paramsOfV3(request: V3Incoming): Record<string, string> {
  const params: Record<string, string> = Object.fromEntries(request.query);
  if ((request.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    Object.assign(params, Object.fromEntries(new URLSearchParams(request.body)));
  }
  return {
    ...params,
    Action: request.headers['x-acs-action'] ?? '',
    Version: request.headers['x-acs-version'] ?? '',
    Format: params.Format ?? 'JSON',
  };
}

/** Check one V3 request; null when it may proceed. */
export function checkGatewayV3(request: V3Incoming, params: RpcParams, check: GatewayCheck): GatewayRefusal | null {
  const auth = parseAuthorization(request.headers.authorization);
  if (auth === null) return { code: 'IncompleteSignature', message: 'The request signature does not conform to Aliyun standards.' };
  for (const name of ['x-acs-action', 'x-acs-version', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256']) {
    if ((request.headers[name] ?? '') === '') return { code: 'MissingParameter', message: `${name} is mandatory for this action.` };
  }
  if (params.Version !== '2017-05-25') return { code: 'InvalidVersion' };
  if (!ACTIONS.has(params.Action ?? '')) return { code: 'InvalidAction.NotFound' };
  const secret = check.keys.get(auth.accessKeyId);
  if (secret === undefined) return { code: 'InvalidAccessKeyId.NotFound' };
  const date = request.headers['x-acs-date']!;
  if (!DATE.test(date)) return { code: 'InvalidTimeStamp.Format' };
  if (check.timestampWindowMs > 0 && Math.abs(Date.parse(date) - check.nowMs) > check.timestampWindowMs) return { code: 'InvalidTimeStamp.Expired' };
  const unsigned = Object.keys(request.headers).filter((name) => (name === 'host' || name.startsWith('x-acs-')) && !auth.signedHeaders.includes(name));
  if (unsigned.length > 0) return { code: 'IncompleteSignature', message: `SignedHeaders must include ${unsigned.join(', ')}.` };
  if (request.headers['x-acs-content-sha256'] !== sha256Hex(request.body)) {
    return { code: 'SignatureDoesNotMatch', message: 'x-acs-content-sha256 is not the SHA-256 of the body.' };
  }
  if (!signatureMatchesV3(request, auth, secret)) {
    const server = `${ACS3}\n${sha256Hex(canonicalRequest(request, auth.signedHeaders))}`;
    return { code: 'SignatureDoesNotMatch', message: `Specified signature is not matched with our calculation. server string to sign is:${server}` };
  }
  if (!check.nonces.use(request.headers['x-acs-signature-nonce']!, check.nowMs)) return { code: 'SignatureNonceUsed' };
  return null;
}
