/**
 * Alibaba Cloud signature V3 (ACS3-HMAC-SHA256), as the current official SDKs sign by default
 * (`@alicloud/dysmsapi20170525`): a canonical request of the method, the path, the sorted
 * RFC 3986 query, the signed headers (host, content-type, every x-acs-*) and the body's SHA-256;
 * `ACS3-HMAC-SHA256\n` + its SHA-256 in hex, HMAC-SHA256'd with the AccessKey secret in hex.
 * The simulator recomputes it to verify; tests use it to sign (PROVIDERS.md §A.6).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { percentEncode } from '../../channels/aliyun-sms/signature.js';

/** The algorithm's name, first word of the Authorization header. */
export const ACS3 = 'ACS3-HMAC-SHA256';

/** A request as the signature sees it; header names lower-case. */
export interface V3Request {
  readonly method: string;
  /** The path, `/` for RPC-style APIs. */
  readonly path: string;
  /** Query parameters, decoded. */
  readonly query: readonly (readonly [string, string])[];
  readonly headers: Readonly<Record<string, string>>;
}

/** The parts of an `Authorization: ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…` header. */
export interface V3Authorization {
  readonly accessKeyId: string;
  readonly signedHeaders: readonly string[];
  readonly signature: string;
}

/** Hex SHA-256 of a body (`e3b0c442…b855` for an empty one). */
export function sha256Hex(body: string | Buffer): string {
  return createHash('sha256').update(body).digest('hex');
}

/** The sorted, RFC 3986-encoded query string. */
function canonicalQuery(query: V3Request['query']): string {
  return query
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

/** The canonical request for `signedHeaders` (lower-case, sorted as the client sent them). */
export function canonicalRequest(request: V3Request, signedHeaders: readonly string[]): string {
  const headers = signedHeaders.map((name) => `${name}:${(request.headers[name] ?? '').trim()}\n`).join('');
  const payload = request.headers['x-acs-content-sha256'] ?? sha256Hex('');
  return [request.method.toUpperCase(), request.path, canonicalQuery(request.query), headers, signedHeaders.join(';'), payload].join('\n');
}

/** The hex signature of a canonical request with `secret`. */
export function signCanonical(canonical: string, secret: string): string {
  return createHmac('sha256', secret).update(`${ACS3}\n${sha256Hex(canonical)}`, 'utf8').digest('hex');
}

/** The headers a request must sign: host, content-type when present, and every x-acs-*, sorted. */
export function headersToSign(headers: Readonly<Record<string, string>>): string[] {
  return Object.keys(headers)
    .filter((name) => name === 'host' || name === 'content-type' || name.startsWith('x-acs-'))
    .sort();
}

/** The Authorization header for a request (the test client's side). */
export function authorizationV3(request: V3Request, accessKeyId: string, secret: string): string {
  const signed = headersToSign(request.headers);
  return `${ACS3} Credential=${accessKeyId},SignedHeaders=${signed.join(';')},Signature=${signCanonical(canonicalRequest(request, signed), secret)}`;
}

/** Parse an ACS3 Authorization header, or null when it is not one or is malformed. */
export function parseAuthorization(header: string | undefined): V3Authorization | null {
  if (header === undefined || !header.startsWith(`${ACS3} `)) return null;
  const fields = new Map<string, string>();
  for (const part of header.slice(ACS3.length + 1).split(',')) {
    const eq = part.indexOf('=');
    if (eq > 0) fields.set(part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  const accessKeyId = fields.get('Credential');
  const signed = fields.get('SignedHeaders');
  const signature = fields.get('Signature');
  if (!accessKeyId || !signed || !signature || !/^[0-9a-f]{64}$/.test(signature)) return null;
  return { accessKeyId, signedHeaders: signed.split(';'), signature };
}

/** True when the request's signature is the one `secret` gives (constant-time compare). */
export function signatureMatchesV3(request: V3Request, auth: V3Authorization, secret: string): boolean {
  const expected = Buffer.from(signCanonical(canonicalRequest(request, auth.signedHeaders), secret));
  const given = Buffer.from(auth.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
