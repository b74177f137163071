/**
 * The fixed text of a `--url` template made fit for the wire, as browsers and curl do it: a
 * space or non-ASCII character typed into the URL is percent-encoded (UTF-8), `%XX` escapes the
 * user wrote stay as they are, and a `#fragment` (never sent to a server) is dropped. Values that
 * fill `{{placeholders}}` are escaped by the template itself, as one component each.
 */
import { UnsafeValueError, urlComponent, type Escaper } from '../../render/escape.js';
import { findPlaceholders, type Placeholder } from '../../render/template.js';

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

/** A value filling a whole path segment: percent-encoded, and never `.` or `..`, which would move the request elsewhere. */
const wholeSegment: Escaper = (value, field) => {
  if (value === '.' || value === '..') throw new UnsafeValueError(`field '${field}' is '${value}', which would change the URL's path`);
  return urlComponent(value, field);
};

/** The escaper for each placeholder of a URL template (from urlTemplateSource): one URL component each. */
export function urlEscapeAt(source: string): (placeholder: Placeholder) => Escaper {
  const query = source.indexOf('?');
  const pathEnd = query === -1 ? source.length : query;
  return (p) => {
    const startsSegment = source[p.start - 1] === '/';
    const endsSegment = p.end === pathEnd || source[p.end] === '/';
    return p.end <= pathEnd && startsSegment && endsSegment ? wholeSegment : urlComponent;
  };
}
