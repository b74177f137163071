/** Reading an SMS provider's endpoint variable (HERALD_ALIYUN_ENDPOINT, HERALD_TWILIO_ENDPOINT). */
import { ConfigError } from '../../errors.js';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** How to read one endpoint variable. */
export interface EndpointRule {
  /** The variable's name, for messages. */
  readonly variable: string;
  /** Used when the variable is unset or empty. */
  readonly defaultUrl: string;
  /** What plain HTTP to a host other than loopback would expose, for the message. */
  readonly exposes: string;
  /** Plain HTTP away from loopback: a warning (nothing secret travels), or refused (a secret would). */
  readonly plainHttp: 'warn' | 'refuse';
  /** A path ending herald adds itself (Twilio's API version), refused so it is not doubled. */
  readonly addedPath?: string;
}

/** The endpoint's path without its trailing slash ('' for none): a proxy's prefix, put before the provider's own paths. */
export function pathPrefix(endpoint: URL): string {
  return endpoint.pathname.replace(/\/+$/, '');
}

/**
 * The endpoint as an http(s) URL: an origin, or an origin and a path prefix (a proxy under a
 * path), without a query or fragment; ConfigError names the variable and the value.
 */
export function readEndpoint(value: string | undefined, rule: EndpointRule, warn: (line: string) => void): URL {
  const raw = value === undefined || value.trim() === '' ? rule.defaultUrl : value.trim();
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:') || url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new ConfigError(`${rule.variable} must be an http(s) URL like ${rule.defaultUrl} (a proxy's path prefix may follow the host; no query), got '${raw}'`);
  }
  if (rule.addedPath !== undefined && pathPrefix(url).endsWith(rule.addedPath)) {
    throw new ConfigError(`${rule.variable} '${raw}': leave out ${rule.addedPath}, herald adds it (like ${rule.defaultUrl})`);
  }
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    const line = `${rule.variable} ${url.origin} is plain HTTP: ${rule.exposes} would travel unencrypted`;
    if (rule.plainHttp === 'refuse') throw new ConfigError(`${line}; use https (plain HTTP only to a loopback address)`);
    warn(line);
  }
  return url;
}
