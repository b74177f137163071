/**
 * Where the webhook's connectivity preflight connects: the origin of `--url` as typed, with
 * `${VAR}` references expanded. When a `{{placeholder}}` fills any part of the host, each row
 * picks its own server and there is no one origin to check: the preflight is skipped.
 */
import { expandEnv } from '../../config/expand-env.js';

const ORIGIN = /^(https?):\/\/([^/?#]*)/i;

/** The origin to probe for a --url, or null when the host is templated (or not a URL here). */
export function preflightOrigin(url: string, env: Readonly<Record<string, string | undefined>>): URL | null {
  const match = ORIGIN.exec(url.trim());
  if (match === null || match[2]!.includes('{{')) return null;
  try {
    const authority = expandEnv(match[2]!, env, '--url');
    return new URL(`${match[1]!.toLowerCase()}://${authority}/`);
  } catch {
    return null;
  }
}
