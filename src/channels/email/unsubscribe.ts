/**
 * `--unsubscribe URL`: the one-click unsubscribe headers large mailbox providers ask of bulk
 * senders. Every message gets `List-Unsubscribe: <URL>` with the row's values percent-encoded as
 * one URL component each, and, for an https URL, `List-Unsubscribe-Post: List-Unsubscribe=One-Click`
 * (RFC 8058: the provider then unsubscribes with a POST, no page to visit). `mailto:` is allowed;
 * plain `http:` too, but without the Post header (RFC 8058 requires https), with a warning.
 */
import { ConfigError } from '../../errors.js';
import type { RowFields } from '../../input/row.js';
import { urlComponent } from '../../render/escape.js';
import { compileTemplate, findPlaceholders, type Template } from '../../render/template.js';

/** The flag, for messages. */
export const UNSUBSCRIBE_FLAG = '--unsubscribe';
/** RFC 8058's one value of List-Unsubscribe-Post. */
export const ONE_CLICK = 'List-Unsubscribe=One-Click';

/** The headers one row gets, or why it cannot. */
export type UnsubscribeHeaders =
  | { readonly ok: true; readonly headers: readonly { readonly key: string; readonly value: string }[] }
  | { readonly ok: false; readonly reason: string };

/** A compiled --unsubscribe. */
export interface Unsubscribe {
  /** The URL as typed, `{{placeholders}}` kept. */
  readonly source: string;
  /** Whether List-Unsubscribe-Post goes with it (https only). */
  readonly oneClick: boolean;
  render(fields: RowFields): UnsubscribeHeaders;
}

/** https://host… or http://host… with the host typed out (a value may not choose it), or mailto:something. */
const SCHEME = /^(?:(https?):\/\/[^/?#{}\s]+(?=[/?#]|$)|(mailto):(?=\S))/i;
/** Typed characters that may not stand in a header's `<URL>` as they are: space, controls, non-ASCII, `<`, `>`, `"`. */
const NOT_IN_ANGLE_URL = /[^\x21-\x7e]|[<>"]/gu;

/** The URL with its typed text made fit for `<…>` (placeholders left for the template to fill). */
function encodeTyped(source: string): string {
  let out = '';
  let at = 0;
  for (const placeholder of findPlaceholders(source, UNSUBSCRIBE_FLAG)) {
    out += source.slice(at, placeholder.start).replace(NOT_IN_ANGLE_URL, (ch) => encodeURIComponent(ch)) + source.slice(placeholder.start, placeholder.end);
    at = placeholder.end;
  }
  return out + source.slice(at).replace(NOT_IN_ANGLE_URL, (ch) => encodeURIComponent(ch));
}

/**
 * Compile --unsubscribe; throws ConfigError naming the flag for a scheme other than https, http
 * or mailto (or a host left to a placeholder). `warn` hears why a plain http URL gets no one-click header.
 */
export function compileUnsubscribe(source: string, warn: (line: string) => void): Unsubscribe {
  const typed = source.trim();
  const scheme = SCHEME.exec(typed);
  if (scheme === null) {
    throw new ConfigError(
      `${UNSUBSCRIBE_FLAG} '${typed}': expected an https:// URL (or http://, or mailto:) whose scheme and host are written out, e.g. https://shop.example/unsubscribe?email={{email}}`,
    );
  }
  const kind = (scheme[1] ?? scheme[2]!).toLowerCase();
  if (kind === 'http') {
    warn(`${UNSUBSCRIBE_FLAG} ${typed.replace(/[?#].*$/, '')} is plain http: mailbox providers offer one-click unsubscribe only for https, so List-Unsubscribe-Post is left out`);
  }
  const template: Template = compileTemplate(encodeTyped(typed), UNSUBSCRIBE_FLAG, { escape: urlComponent });
  const oneClick = kind === 'https';
  return {
    source: typed,
    oneClick,
    render(fields) {
      const url = template.render(fields);
      if (!url.ok) return url;
      const headers = [{ key: 'List-Unsubscribe', value: `<${url.text}>` }];
      return { ok: true, headers: oneClick ? [...headers, { key: 'List-Unsubscribe-Post', value: ONE_CLICK }] : headers };
    },
  };
}
