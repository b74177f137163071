/**
 * The fixed text of a `--url` template made fit for the wire, as browsers and curl do it: a
 * space or non-ASCII character typed into the URL is percent-encoded (UTF-8), `%XX` escapes the
 * user wrote stay as they are, and a `#fragment` (never sent to a server) is dropped. Values that
 * fill `{{placeholders}}` are escaped by the template itself, as one component each.
 */
import { findPlaceholders } from '../../render/template.js';

/** Characters that may stand in a URL's path and query as typed (RFC 3986 reserved, unreserved, `%`). */
const NOT_URL_TEXT = /[^A-Za-z0-9\-._~:/?[\]@!$&'()*+,;=%]/gu;

function encodeLiteral(text: string): string {
  return text.replace(NOT_URL_TEXT, (ch) => encodeURIComponent(ch));
}

/** A URL template (`{{…}}` kept) with its literal parts encoded and any fragment dropped. */
export function urlTemplateSource(source: string, name: string): string {
  let out = '';
  let at = 0;
  for (const placeholder of [...findPlaceholders(source, name), { start: source.length, end: source.length }]) {
    const literal = source.slice(at, placeholder.start);
    const hash = literal.indexOf('#');
    if (hash !== -1) return out + encodeLiteral(literal.slice(0, hash));
    out += encodeLiteral(literal) + source.slice(placeholder.start, placeholder.end);
    at = placeholder.end;
  }
  return out;
}
