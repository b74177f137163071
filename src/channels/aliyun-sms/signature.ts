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
const HAS_SUB_DELIM = /[!'()*]/;

/**
 * Percent-encode one name or value: UTF-8, `A-Za-z0-9-_.~` literal, everything else `%XY` in
 * upper-case hex (space is `%20`, `*` is `%2A`, `~` stays `~`).
 */
export function percentEncode(text: string): string {
  const encoded = encodeURIComponent(text);
  // Most values hold none of the five: no replace, no callback.
  return HAS_SUB_DELIM.test(encoded) ? encoded.replace(SUB_DELIMS, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`) : encoded;
}

/** Compare by UTF-16 code units, which for parameter names (ASCII) is byte order. */
function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * What the last requests had in common, so a campaign's requests (the same parameter names, most
 * values repeated: key id, action, version, sign name, template) are not sorted and encoded anew
 * each time: the names in sorted order for the last list of names, and per name its last value
 * encoded.
 */
const recent = {
  names: [] as string[],
  sorted: [] as string[],
  encodedName: new Map<string, string>(),
  lastValue: new Map<string, readonly [string, string]>(),
};

function sortedNames(names: string[]): string[] {
  const last = recent.names;
  if (names.length === last.length && names.every((name, i) => name === last[i])) return recent.sorted;
  recent.names = names;
  recent.sorted = names.filter((name) => name !== 'Signature').sort(byName);
  return recent.sorted;
}

function encodedPair(name: string, value: string): string {
  let encodedName = recent.encodedName.get(name);
  if (encodedName === undefined) {
    if (recent.encodedName.size > 256) recent.encodedName.clear();
    recent.encodedName.set(name, (encodedName = percentEncode(name)));
  }
  const last = recent.lastValue.get(name);
  if (last !== undefined && last[0] === value) return `${encodedName}=${last[1]}`;
  const encoded = percentEncode(value);
  if (recent.lastValue.size > 256) recent.lastValue.clear();
  recent.lastValue.set(name, [value, encoded]);
  return `${encodedName}=${encoded}`;
}

/** The canonicalized query string: every parameter but `Signature`, sorted, `enc(k)=enc(v)` joined by `&`. */
export function canonicalQuery(params: RpcParams): string {
  let query = '';
  for (const name of sortedNames(Object.keys(params))) query += `${query === '' ? '' : '&'}${encodedPair(name, params[name] ?? '')}`;
  return query;
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
