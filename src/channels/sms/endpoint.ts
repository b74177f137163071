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
}

/** The endpoint as an http(s) origin without a path; ConfigError names the variable and the value. */
export function readEndpoint(value: string | undefined, rule: EndpointRule, warn: (line: string) => void): URL {
  const raw = value === undefined || value.trim() === '' ? rule.defaultUrl : value.trim();
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (url === undefined || (url.protocol !== 'https:' && url.protocol !== 'http:') || (url.pathname !== '/' && url.pathname !== '')) {
    throw new ConfigError(`${rule.variable} must be an http(s) origin without a path, like ${rule.defaultUrl}, got '${raw}'`);
  }
  if (url.protocol === 'http:' && !LOOPBACK.has(url.hostname)) {
    const line = `${rule.variable} ${url.origin} is plain HTTP: ${rule.exposes} would travel unencrypted`;
    if (rule.plainHttp === 'refuse') throw new ConfigError(`${line}; use https (plain HTTP only to a loopback address)`);
    warn(line);
  }
  return url;
}
