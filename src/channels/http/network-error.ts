/**
 * Classification of failures below HTTP (connect, socket, TLS, timeout) for channels that use
 * undici. Whether the request may have reached the provider decides `unknown`.
 */
import type { SendResult } from '../channel.js';

/** Codes meaning the request never left: safe to send again. */
const NOT_SENT = new Set([
  'ECONNREFUSED',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EHOSTDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/** Codes meaning the request may have been written before the failure: outcome unknown. */
const MAYBE_SENT = new Set([
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_ABORTED',
]);

/** TLS verification failures: a configuration problem, not a transient one. */
const TLS_CODES = new Set([
  'CERT_HAS_EXPIRED',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_NOT_YET_VALID',
]);

function errorCode(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_REQ_RETRY') return code;
    current = (current as { cause?: unknown }).cause;
  }
  if (error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError')) return 'TIMEOUT';
  return 'ERROR';
}

/**
 * Classify an exception thrown by an HTTP request to `host`. `timedOut` tells that the
 * attempt's own deadline aborted it (the request was out: outcome unknown).
 */
export function networkErrorResult(error: unknown, host: string, timedOut: boolean): SendResult {
  if (timedOut) return { outcome: 'retryable', code: 'TIMEOUT', detail: `no answer from ${host} in time`, unknown: true };
  const code = errorCode(error);
  const message = error instanceof Error ? error.message : String(error);
  if (code === 'ENOTFOUND') {
    return { outcome: 'fatal', code, detail: `cannot resolve ${host}: check the endpoint's host name` };
  }
  if (TLS_CODES.has(code)) {
    return { outcome: 'fatal', code, detail: `TLS certificate of ${host} is not trusted (${code})` };
  }
  if (code === 'UND_ERR_INVALID_ARG') return { outcome: 'permanent', code, detail: `request to ${host} cannot be sent: ${message}` };
  if (NOT_SENT.has(code)) return { outcome: 'retryable', code, detail: `cannot connect to ${host} (${code})` };
  if (MAYBE_SENT.has(code) || code === 'TIMEOUT') {
    return { outcome: 'retryable', code, detail: `connection to ${host} lost before an answer (${code})`, unknown: true };
  }
  return { outcome: 'retryable', code, detail: `request to ${host} failed: ${message}`, unknown: true };
}
