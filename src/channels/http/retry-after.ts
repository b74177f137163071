/** Parsing of HTTP Retry-After (RFC 9110 §10.2.3): delay-seconds or an HTTP-date. */

/** Longest wait herald accepts from a provider's Retry-After (longer values are clamped). */
export const MAX_RETRY_AFTER_MS = 15 * 60_000;

/** Milliseconds to wait, or undefined when the header is absent or unusable. */
export function parseRetryAfter(header: string | string[] | undefined, nowMs: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined) return undefined;
  const text = value.trim();
  if (text === '') return undefined;
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(text)) {
    ms = Number(text) * 1000;
  } else {
    const date = Date.parse(text);
    if (Number.isNaN(date)) return undefined;
    ms = date - nowMs;
  }
  return Math.min(Math.max(0, Math.round(ms)), MAX_RETRY_AFTER_MS);
}
