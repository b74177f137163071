/**
 * What Aliyun's API gateway checks before an action runs: the common parameters, the API version
 * and action, the AccessKey, the timestamp window, the signature (recomputed with the request's
 * own method over every parameter but Signature) and that the nonce was not used before.
 */
import { signatureMatches, stringToSign, type RpcParams } from '../../channels/aliyun-sms/signature.js';

/** The actions the simulator serves. */
export const ACTIONS = new Set(['SendSms', 'SendBatchSms', 'QuerySendDetails']);

const REQUIRED = ['AccessKeyId', 'Action', 'SignatureMethod', 'SignatureNonce', 'SignatureVersion', 'Timestamp', 'Version', 'Signature'];
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;

/** The AccessKeys the gateway knows (id → secret). */
export type KeyRing = ReadonlyMap<string, string>;

/** A refused request: the code and, for some, a message. */
export interface GatewayRefusal {
  readonly code: string;
  readonly message?: string;
}

/** Nonces seen within the timestamp window; an old nonce is forgotten once its window has passed. */
export class NonceBook {
  private readonly expiries = new Map<string, number>();

  constructor(private readonly windowMs: number) {}

  /** Record a nonce; false when it was already used. */
  use(nonce: string, nowMs: number): boolean {
    for (const [old, expiry] of this.expiries) {
      if (expiry > nowMs) break;
      this.expiries.delete(old);
    }
    if (this.expiries.has(nonce)) return false;
    this.expiries.set(nonce, nowMs + Math.max(this.windowMs, 60_000));
    return true;
  }
}

/** What the gateway needs to check a request. */
export interface GatewayCheck {
  readonly keys: KeyRing;
  readonly nonces: NonceBook;
  /** Allowed clock difference in ms; 0 turns the check off (for fixed test vectors). */
  readonly timestampWindowMs: number;
  readonly nowMs: number;
}

/** Check one request's common parameters and signature; null when it may proceed. */
export function checkGateway(method: string, params: RpcParams, check: GatewayCheck): GatewayRefusal | null {
  for (const name of REQUIRED) {
    if ((params[name] ?? '') === '') return { code: `Missing${name}`, message: `${name} is mandatory for this action.` };
  }
  if (params.Version !== '2017-05-25') return { code: 'InvalidVersion' };
  if (!ACTIONS.has(params.Action ?? '')) return { code: 'InvalidAction.NotFound' };
  if (params.SignatureMethod !== 'HMAC-SHA1' || params.SignatureVersion !== '1.0') return { code: 'InvalidSignatureMethod' };
  const secret = check.keys.get(params.AccessKeyId ?? '');
  if (secret === undefined) return { code: 'InvalidAccessKeyId.NotFound' };
  const timestamp = params.Timestamp ?? '';
  if (!TIMESTAMP.test(timestamp)) return { code: 'InvalidTimeStamp.Format' };
  if (check.timestampWindowMs > 0 && Math.abs(Date.parse(timestamp) - check.nowMs) > check.timestampWindowMs) {
    return { code: 'InvalidTimeStamp.Expired' };
  }
  if (!signatureMatches(method, params, secret, params.Signature ?? '')) {
    const server = stringToSign(method, params);
    return { code: 'SignatureDoesNotMatch', message: `Specified signature is not matched with our calculation. server string to sign is:${server}` };
  }
  if (!check.nonces.use(params.SignatureNonce ?? '', check.nowMs)) return { code: 'SignatureNonceUsed' };
  return null;
}
