/**
 * HERALD_SMTP_URL: where the email channel connects, how it encrypts, and who it logs in as.
 * `smtp://` speaks STARTTLS when the server offers it (required before a password goes to a
 * non-loopback host), `smtps://` is TLS from the first byte. The password never appears in a
 * message: errors name the URL with the password masked.
 */
import { isIP } from 'node:net';
import { ConfigError } from '../../errors.js';

/** The environment variable holding the SMTP server's URL. */
export const SMTP_URL_VAR = 'HERALD_SMTP_URL';
/** Optional: the password, for passwords awkward to percent-encode in a URL; wins over the URL's. */
export const SMTP_PASSWORD_VAR = 'HERALD_SMTP_PASSWORD';

/** Port for `smtp://` when the URL names none (submission with STARTTLS). */
export const STARTTLS_PORT = 587;
/** Port for `smtps://` when the URL names none (submission over implicit TLS). */
export const IMPLICIT_TLS_PORT = 465;

/** A parsed HERALD_SMTP_URL. */
export interface SmtpEndpoint {
  readonly host: string;
  readonly port: number;
  /** True for smtps:// (TLS from the first byte); false for smtp:// (STARTTLS). */
  readonly secure: boolean;
  readonly user: string | null;
  readonly password: string | null;
  /** The host is this machine (localhost, 127.0.0.0/8, ::1): a password may go unencrypted. */
  readonly loopback: boolean;
}

const EXAMPLE = 'smtp://user:password@smtp.example.com:587 or smtps://user:password@smtp.example.com:465';

/** True for a host name or address that stays on this machine. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare.toLowerCase() === 'localhost') return true;
  if (isIP(bare) === 4) return bare.startsWith('127.');
  if (isIP(bare) === 6) return bare === '::1' || bare.toLowerCase() === '::ffff:127.0.0.1';
  return false;
}

function decodePart(part: string, what: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    throw new ConfigError(`${SMTP_URL_VAR}: the ${what} holds a malformed %-escape; percent-encode '%' as %25`);
  }
}

/**
 * Parse HERALD_SMTP_URL (and HERALD_SMTP_PASSWORD when set). Throws ConfigError naming the
 * variable, the rule and what was found, never the password.
 */
export function parseSmtpUrl(value: string | undefined, passwordOverride?: string): SmtpEndpoint {
  if (value === undefined || value.trim() === '') {
    throw new ConfigError(
      `${SMTP_URL_VAR} is not set: export ${SMTP_URL_VAR}='${EXAMPLE.split(' or ')[0]}' (or run 'herald mock email' for a local test server)`,
    );
  }
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new ConfigError(
      `${SMTP_URL_VAR} is not a valid URL: expected ${EXAMPLE}; percent-encode '@', ':', '/' and '#' in the user and password`,
    );
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new ConfigError(`${SMTP_URL_VAR}: scheme '${url.protocol}' is not supported; use smtp:// (STARTTLS) or smtps:// (TLS)`);
  }
  const secure = url.protocol === 'smtps:';
  const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  if (host === '') throw new ConfigError(`${SMTP_URL_VAR} names no host: expected ${EXAMPLE}`);
  const params = [...url.searchParams.keys()];
  if (params.length > 0) {
    throw new ConfigError(
      `${SMTP_URL_VAR}: query parameters are not supported (found '${params[0]}'); TLS follows the scheme: smtp:// uses STARTTLS, smtps:// uses TLS`,
    );
  }
  if (url.pathname !== '' && url.pathname !== '/') {
    throw new ConfigError(`${SMTP_URL_VAR}: a path is not supported (found '${url.pathname}'); percent-encode '/' in the password as %2F`);
  }
  const port = url.port === '' ? (secure ? IMPLICIT_TLS_PORT : STARTTLS_PORT) : Number(url.port);
  if (!secure && port === IMPLICIT_TLS_PORT) {
    throw new ConfigError(`${SMTP_URL_VAR}: port 465 speaks TLS from the first byte; use smtps://${host}:465 (or smtp:// with port 587)`);
  }
  if (secure && port === STARTTLS_PORT) {
    throw new ConfigError(`${SMTP_URL_VAR}: port 587 speaks STARTTLS; use smtp://${host}:587 (or smtps:// with port 465)`);
  }
  const user = url.username === '' ? null : decodePart(url.username, 'user');
  const urlPassword = url.password === '' ? null : decodePart(url.password, 'password');
  const password = passwordOverride !== undefined && passwordOverride !== '' ? passwordOverride : urlPassword;
  if (user === null && password !== null) {
    throw new ConfigError(`${SMTP_URL_VAR} has a password but no user: expected ${EXAMPLE}`);
  }
  if (user !== null && password === null) {
    throw new ConfigError(`${SMTP_URL_VAR} has a user but no password: put it in the URL or in ${SMTP_PASSWORD_VAR}`);
  }
  return { host, port, secure, user, password, loopback: isLoopbackHost(host) };
}

/** The endpoint as `host:port`, for messages. */
export function endpointLabel(endpoint: SmtpEndpoint): string {
  return endpoint.host.includes(':') ? `[${endpoint.host}]:${endpoint.port}` : `${endpoint.host}:${endpoint.port}`;
}

/**
 * Whether the connection must be encrypted before logging in: always when a password goes to a
 * host other than this machine (a server that offers no STARTTLS is then refused).
 */
export function mustEncryptLogin(endpoint: SmtpEndpoint): boolean {
  return !endpoint.secure && endpoint.password !== null && !endpoint.loopback;
}
