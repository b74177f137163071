/**
 * The secret values a run knows (credentials from the environment, `${VAR}` expansions, tokens a
 * provider hands out) and their redaction: every text herald writes from a channel passes through
 * `redact()`, which replaces each secret, in the forms it travels or is echoed in, by `[redacted]`.
 *
 * The rule (one place, so every channel gets the same):
 * - a secret of `MIN_ANYWHERE` (6) characters or more is replaced wherever it appears, inside
 *   longer text too;
 * - a secret of `MIN_TOKEN` (3) to 5 characters is replaced only where it stands as a whole token,
 *   touching no letter, digit or `_` on either side: a PIN `4711` is hidden in `pin=4711` but not in
 *   `47110` or `A4711B`. A short secret that is also a common word (`test`) hides that word too:
 *   such a secret is weak, and a message with a gap is better than a leak;
 * - a secret of 1 or 2 characters is never replaced: it would shred every message (`a`, `ok`, `1`)
 *   and hides nothing worth hiding.
 * The forms: as it is; with any character percent-encoded (hex in either case, `+` for a space),
 * JSON-escaped (`\"`, `\\`, `\/`, `\uXXXX`) or HTML-escaped; and, for the long ones, the whole value
 * in base64 (standard or URL-safe alphabet, padded or not), which is how HTTP Basic and SMTP AUTH
 * carry a `user:password` (see `addLogin`).
 */

/** What a secret is replaced by. */
export const REDACTED = '[redacted]';
/** Secrets at least this long are redacted anywhere; shorter ones only as whole tokens. */
export const MIN_ANYWHERE = 6;
/** Secrets shorter than this are not redacted at all. */
export const MIN_TOKEN = 3;

const SYNTAX = /[\\^$.*+?()[\]{}|/]/g;
const HTML_FORMS: Readonly<Record<string, readonly string[]>> = {
  '&': ['&amp;'],
  '<': ['&lt;'],
  '>': ['&gt;'],
  '"': ['&quot;'],
  "'": ['&#39;', '&#x27;', '&apos;'],
};
const JSON_SHORT: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '/': '\\/' };

function literal(text: string): string {
  return text.replace(SYNTAX, '\\$&');
}

/** Hex digits matching either case. */
function hex(digits: string): string {
  return [...digits].map((d) => (/[a-f]/i.test(d) ? `[${d.toUpperCase()}${d.toLowerCase()}]` : d)).join('');
}

/** Every form one character (a code point) may take in an answer that quotes it. */
function charForms(ch: string): string {
  // A lone surrogate has no UTF-8 form worth matching.
  if (ch.length === 1 && ch.charCodeAt(0) >= 0xd800 && ch.charCodeAt(0) <= 0xdfff) return literal(ch);
  const forms = [literal(ch)];
  forms.push([...Buffer.from(ch, 'utf8')].map((b) => `%${hex(b.toString(16).padStart(2, '0'))}`).join(''));
  if (ch === ' ') forms.push('\\+');
  const short = JSON_SHORT[ch];
  if (short !== undefined) forms.push(literal(short));
  const units = [...Array(ch.length).keys()].map((i) => `\\\\u${hex(ch.charCodeAt(i).toString(16).padStart(4, '0'))}`);
  forms.push(units.join(''));
  for (const entity of HTML_FORMS[ch] ?? []) forms.push(literal(entity));
  return `(?:${forms.join('|')})`;
}

/** The regular expression source matching one secret in all its forms. */
function secretPattern(value: string): string {
  const chars = [...value].map(charForms).join('');
  if (value.length < MIN_ANYWHERE) return `(?<![\\p{L}\\p{N}_])${chars}(?![\\p{L}\\p{N}_])`;
  const base64 = Buffer.from(value, 'utf8').toString('base64').replace(/=+$/, '');
  const base64url = base64.replace(/\+/g, '-').replace(/\//g, '_');
  const encoded = base64url !== base64 ? `(?:${literal(base64)}|${literal(base64url)})` : literal(base64);
  return `${chars}|${encoded}={0,2}`;
}

/** The secrets of one run; channels register theirs, and everything a channel says is redacted with them. */
export class Secrets {
  readonly #values = new Set<string>();
  #pattern: RegExp | null = null;
  #stale = false;

  /** Register a secret value (empty, null and 1–2 character values are ignored, see the rule above). */
  add(value: string | null | undefined): void {
    if (value === null || value === undefined || value.length < MIN_TOKEN || this.#values.has(value)) return;
    this.#values.add(value);
    this.#stale = true;
  }

  /**
   * Register a login: the password, and `user:password` and `\0user\0password` so that their
   * base64 forms (HTTP Basic, SMTP AUTH PLAIN) are redacted too. The user alone is not a secret.
   */
  addLogin(user: string | null | undefined, password: string | null | undefined): void {
    if (password === null || password === undefined || password === '') return;
    this.add(password);
    if (user === null || user === undefined || user === '') return;
    this.add(`${user}:${password}`);
    this.add(`\u0000${user}\u0000${password}`);
  }

  /** How many secrets are registered. */
  get size(): number {
    return this.#values.size;
  }

  /** The text with every registered secret, in every form, replaced by `[redacted]`. */
  redact(text: string): string {
    const pattern = this.#compiled();
    if (pattern === null || text.length < MIN_TOKEN) return text;
    pattern.lastIndex = 0;
    return text.replace(pattern, REDACTED);
  }

  #compiled(): RegExp | null {
    if (this.#stale) {
      // Longest first: a secret that holds another is replaced whole.
      const values = [...this.#values].sort((a, b) => b.length - a.length);
      this.#pattern = values.length === 0 ? null : new RegExp(values.map(secretPattern).join('|'), 'gu');
      this.#stale = false;
    }
    return this.#pattern;
  }
}
