/**
 * Saying in one line why an endpoint cannot be reached, for the preflight of every HTTP channel:
 * a refused connection, an unknown host, an untrusted certificate or no connection in time stops
 * the run before the first row, naming host:port, the error and the variable or flag to fix.
 */
import type { SendResult } from '../channel.js';

/** Where the endpoint is and what sets it. */
export interface EndpointTarget {
  /** The endpoint (only its protocol, host and port are used). */
  readonly url: URL;
  /** The variable or flag that sets it, for the message ("HERALD_TWILIO_ENDPOINT", "--url"). */
  readonly setting: string;
  /** The channel has --insecure-tls, to suggest for a test server's certificate. @default true */
  readonly insecureTlsFlag?: boolean;
}

/** Connect-level failures, and what each means in words a user can act on. */
const MEANINGS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused: nothing listens on that port',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'the host name could not be looked up',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_CONNECT_TIMEOUT: 'no connection in time',
  ETIMEDOUT: 'no connection in time',
  ERR_SSL_WRONG_VERSION_NUMBER: 'the port does not speak TLS (is it an http:// URL?)',
  EPROTO: 'the port does not speak TLS (is it an http:// URL?)',
};

/** Certificate problems: the fix may be the URL, the server, or --insecure-tls for a test server. */
const CERTIFICATE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|ALTNAME/;

/** The error's code (looking through `cause`), or null. */
export function errorCodeOf(error: unknown): string | null {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== null && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'UND_ERR_REQ_RETRY') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return null;
}

/** True for a code that means the connection could not be made (nothing was sent). */
export function isUnreachableCode(code: string | null): code is string {
  return code !== null && (code in MEANINGS || CERTIFICATE.test(code));
}

/** `host:port` as users write it (the scheme's port when the URL has none; IPv6 in brackets). */
export function hostPort(url: URL): string {
  const port = url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
  return `${url.hostname}:${port}`;
}

/** The fatal result for a connection to `target` that failed with `code`. */
export function unreachableResult(code: string, target: EndpointTarget): SendResult {
  const where = hostPort(target.url);
  if (CERTIFICATE.test(code)) {
    return {
      outcome: 'fatal',
      code,
      detail:
        target.insecureTlsFlag === false
          ? `the TLS certificate of ${where} is not trusted (${code}): check ${target.setting}, or fix the certificate`
          : `the TLS certificate of ${where} is not trusted (${code}): check ${target.setting}, fix the certificate, or pass --insecure-tls for a test server`,
    };
  }
  const verb = code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? 'cannot resolve' : 'cannot connect to';
  return { outcome: 'fatal', code, detail: `${verb} ${where} (${code}: ${MEANINGS[code] ?? 'connection failed'}): check ${target.setting}` };
}

/** The fatal result when `error` (from a preflight request) says the endpoint cannot be reached, else null. */
export function unreachableFrom(error: unknown, target: EndpointTarget): SendResult | null {
  const code = errorCodeOf(error);
  return isUnreachableCode(code) ? unreachableResult(code, target) : null;
}
