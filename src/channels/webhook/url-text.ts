/**
 * The text of a `--url` made fit for the wire, as browsers and curl do it: a space or non-ASCII
 * character typed into the URL is percent-encoded (UTF-8), `%XX` escapes the user wrote stay as
 * they are, and a `#fragment` typed into it (never sent to a server) is dropped. A `${VAR}` value
 * from the environment is encoded the same way but never cut: a `#` in a token is `%23`. Values
 * that fill `{{placeholders}}` are escaped by the template itself, as one component each.
 */
import { findPlaceholders } from '../../render/template.js';

/** Characters that may stand in a URL's path and query as typed (RFC 3986 reserved, unreserved, `%`). */
const NOT_URL_TEXT = /[^A-Za-z0-9\-._~:/?[\]@!$&'()*+,;=%]/gu;
const ENV_REFERENCE = /\$\{[A-Za-z_][A-Za-z0-9_]*\}/g;

/** Text for a URL: every character that may not stand in one percent-encoded, `%XX` kept. */
export function encodeUrlText(text: string): string {
  return text.replace(NOT_URL_TEXT, (ch) => encodeURIComponent(ch));
}

/** Typed text between placeholders, encoded around its `${VAR}` references; `cut` when a `#` ended it. */
function typedText(text: string): { readonly text: string; readonly cut: boolean } {
  let out = '';
  let at = 0;
  for (const reference of [...text.matchAll(ENV_REFERENCE), null]) {
    const end = reference === null ? text.length : reference.index;
    const typed = text.slice(at, end);
    const hash = typed.indexOf('#');
    if (hash !== -1) return { text: out + encodeUrlText(typed.slice(0, hash)), cut: true };
    out += encodeUrlText(typed) + (reference === null ? '' : reference[0]);
    at = end + (reference === null ? 0 : reference[0].length);
  }
  return { text: out, cut: false };
}

/**
 * A --url as typed (`{{…}}` and `${VAR}` kept) with its typed text encoded and any fragment
 * dropped; expand `${VAR}` afterwards with `encodeUrlText` for the values.
 */
export function urlTemplateSource(source: string, name: string): string {
  let out = '';
  let at = 0;
  for (const placeholder of [...findPlaceholders(source, name), { start: source.length, end: source.length }]) {
    const typed = typedText(source.slice(at, placeholder.start));
    if (typed.cut) return out + typed.text;
    out += typed.text + source.slice(placeholder.start, placeholder.end);
    at = placeholder.end;
  }
  return out;
}

/** A `.` or `..` segment (plain or percent-encoded) anywhere in a path. */
const DOT_SEGMENT = /(?:^|\/)(?:\.|%2e){1,2}(?:\/|$)/i;

/** Whether the path part of a rendered path-and-query has a `.` or `..` segment (which would move the request elsewhere). */
export function hasDotSegment(pathAndQuery: string): boolean {
  const query = pathAndQuery.indexOf('?');
  return DOT_SEGMENT.test(query === -1 ? pathAndQuery : pathAndQuery.slice(0, query));
}
