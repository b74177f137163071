/**
 * Alibaba Cloud RPC signature version 1.0 (HMAC-SHA1), exactly as documented in "HTTP协议及签名"
 * (help.aliyun.com/document_detail/56189.html): parameters sorted by name, RFC 3986
 * percent-encoded, `METHOD&%2F&enc(canonical query)`, keyed with `secret + "&"`. Shared by the
 * channel (to sign) and the simulator (to verify).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Request parameters as sent (every value a string). */
export type RpcParams = Readonly<Record<string, string>>;

/** Characters `encodeURIComponent` leaves alone but RFC 3986 (and Aliyun) encode. */
const SUB_DELIMS = /[!'()*]/g;

/**
 * Percent-encode one name or value: UTF-8, `A-Za-z0-9-_.~` literal, everything else `%XY` in
 * upper-case hex (space is `%20`, `*` is `%2A`, `~` stays `~`).
 */
export function percentEncode(text: string): string {
  return encodeURIComponent(text).replace(SUB_DELIMS, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Compare by UTF-16 code units, which for parameter names (ASCII) is byte order. */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The canonicalized query string: every parameter but `Signature`, sorted, `enc(k)=enc(v)` joined by `&`. */
export function canonicalQuery(params: RpcParams): string {
  return Object.keys(params)
    .filter((name) => name !== 'Signature')
    .sort(byName)
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name] ?? '')}`)
    .join('&');
}

/** `METHOD&%2F&enc(canonical query)`: what is signed. */
export function stringToSign(method: string, params: RpcParams): string {
  return stringToSignOf(method, canonicalQuery(params));
}

function stringToSignOf(method: string, canonical: string): string {
  return `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonical)}`;
}

function hmac(toSign: string, secret: string): string {
  return createHmac('sha1', `${secret}&`).update(toSign, 'utf8').digest('base64');
}

/** Base64 HMAC-SHA1 of the string to sign, keyed with `secret + "&"`. */
export function sign(method: string, params: RpcParams, secret: string): string {
  return hmac(stringToSign(method, params), secret);
}

/** The form body (or query) of a signed request: the canonical query plus `&Signature=…` (the query built once). */
export function signedQuery(method: string, params: RpcParams, secret: string): string {
  const canonical = canonicalQuery(params);
  return `${canonical}&Signature=${percentEncode(hmac(stringToSignOf(method, canonical), secret))}`;
}

/** True when `signature` is the one `secret` gives for these parameters (constant-time compare). */
export function signatureMatches(method: string, params: RpcParams, secret: string, signature: string): boolean {
  const expected = Buffer.from(sign(method, params, secret));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
