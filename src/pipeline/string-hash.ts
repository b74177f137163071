/**
 * A fast 64-bit hash of a string, as two 32-bit halves, for the hashed sets of keys and
 * suppressed recipients (a million entries hash in a fraction of a second, where a crypto digest
 * takes seconds). It is bryc's cyrb53 mix carried to 64 bits (public domain); not for secrets.
 */

/** The two 32-bit halves of a string's 64-bit hash. */
export interface Hash64 {
  readonly hi: number;
  readonly lo: number;
}

/** Hash a string (its UTF-16 code units). */
export function hash64(text: string, seed = 0): Hash64 {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return { hi: h2 >>> 0, lo: h1 >>> 0 };
}
