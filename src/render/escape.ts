/**
 * Escapers: how a field's value is made safe for where it lands in a rendered message.
 * An escaper may refuse a value by throwing UnsafeValueError (the row becomes invalid).
 */

/** Thrown by an escaper that refuses a value; the row is recorded invalid with this reason. */
export class UnsafeValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeValueError';
  }
}

/** Turns a field's value into the text that replaces its placeholder. */
export type Escaper = (value: string, field: string) => string;

/** No escaping: plain-text bodies. */
export const asIs: Escaper = (value) => value;

/** Content of a JSON string literal (quotes, backslashes, control characters escaped). */
export const jsonString: Escaper = (value) => {
  const quoted = JSON.stringify(value);
  return quoted.slice(1, -1);
};

/** One URL component: everything but unreserved characters percent-encoded. */
export const urlComponent: Escaper = (value) => encodeURIComponent(value);

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};
const HTML_SPECIAL = /[&<>"']/g;

/** HTML text or attribute content. */
export const html: Escaper = (value) => value.replace(HTML_SPECIAL, (ch) => HTML_ENTITIES[ch] ?? ch);

const LINE_BREAK = /[\r\n]/;
/** Control characters other than tab: no header may carry them (HTTP clients refuse them too). */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** A header value: refuses CR and LF (a value can never start a new header line) and other control characters. */
export const headerValue: Escaper = (value, field) => {
  const control = CONTROL.exec(value);
  if (control === null) return value;
  if (LINE_BREAK.test(control[0])) {
    throw new UnsafeValueError(`field '${field}' holds a line break, which cannot go into a header`);
  }
  const code = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  throw new UnsafeValueError(`field '${field}' holds a control character (U+${code}), which cannot go into a header`);
};
