/**
 * Stand-ins for `{{field}}` placeholders while a template's source goes through a converter that
 * would mangle braces (Markdown percent-encodes them in links, html-to-text upper-cases headings,
 * the address parser reads them as words). Tokens are upper-case letters and digits, so every
 * converter passes them through unchanged; the placeholders are put back afterwards.
 */
import { findPlaceholders } from '../../render/template.js';

/** A template source with its placeholders replaced by tokens. */
export interface Tokenized {
  /** The source with each placeholder replaced by a token. */
  readonly text: string;
  /** Put the placeholders back in place of the tokens in a converted text. */
  restore(converted: string): string;
  /** The field of a text that is exactly one token, or null. */
  fieldOf(text: string): string | null;
}

/** Replace every `{{field}}` of `source` by a token; throws ConfigError on a broken placeholder. */
export function tokenizePlaceholders(source: string, name: string): Tokenized {
  const placeholders = findPlaceholders(source, name);
  let prefix = 'HRLDPH';
  while (source.includes(prefix)) prefix += 'Q';
  const fields = placeholders.map((p) => p.field);
  let text = '';
  let last = 0;
  placeholders.forEach((p, i) => {
    text += source.slice(last, p.start) + `${prefix}${i}X`;
    last = p.end;
  });
  text += source.slice(last);
  const token = new RegExp(`${prefix}(\\d+)X`, 'g');
  const whole = new RegExp(`^${prefix}(\\d+)X$`);
  return {
    text,
    restore: (converted) => converted.replace(token, (match, index: string) => {
      const field = fields[Number(index)];
      return field === undefined ? match : `{{${field}}}`;
    }),
    fieldOf: (candidate) => {
      const match = whole.exec(candidate.trim());
      return match ? (fields[Number(match[1])] ?? null) : null;
    },
  };
}
