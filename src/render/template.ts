/**
 * `{{field}}` templates, compiled once and rendered per row. Strict: a field the row lacks makes
 * the row invalid (never a silent blank); an empty value is present. Each placeholder carries the
 * escaper for where it lands.
 */
import { ConfigError } from '../errors.js';
import type { RowFields } from '../input/row.js';
import { UnsafeValueError, type Escaper } from './escape.js';

/** A rendered text, or why the row cannot be rendered. */
export type Rendered = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly reason: string };

/** A compiled template. */
export interface Template {
  /** Where the template came from, for messages (a file name or a flag). */
  readonly name: string;
  /** The field names it uses, in order of first use. */
  readonly fields: readonly string[];
  /** True when the template has no placeholders. */
  readonly isConstant: boolean;
  /** Render one row. */
  render(fields: RowFields): Rendered;
}

/** A placeholder found in a template's source. */
export interface Placeholder {
  readonly field: string;
  /** Offset of `{{` in the source. */
  readonly start: number;
  /** Offset just past `}}`. */
  readonly end: number;
}

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;

/** 1-based line of an offset, for messages. */
export function lineOf(source: string, offset: number): number {
  let line = 1;
  for (let i = source.indexOf('\n'); i !== -1 && i < offset; i = source.indexOf('\n', i + 1)) line++;
  return line;
}

/** Find every `{{field}}` in a template; throws ConfigError on an empty or unclosed placeholder. */
export function findPlaceholders(source: string, name: string): Placeholder[] {
  const found: Placeholder[] = [];
  for (const match of source.matchAll(PLACEHOLDER)) {
    const field = (match[1] ?? '').trim();
    if (field === '') {
      throw new ConfigError(`${name} line ${lineOf(source, match.index)}: empty placeholder '{{}}'`);
    }
    found.push({ field, start: match.index, end: match.index + match[0].length });
  }
  const starts = new Set(found.map((p) => p.start));
  for (let i = source.indexOf('{{'); i !== -1; i = source.indexOf('{{', i + 1)) {
    if (!starts.has(i)) throw new ConfigError(`${name} line ${lineOf(source, i)}: '{{' without a matching '}}'`);
  }
  return found;
}

/** The text a field's value becomes before escaping: strings as they are, other JSON values as JSON. */
export function fieldText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** How values are escaped: one escaper everywhere, or one chosen per placeholder. */
export type EscapeRule = { readonly escape: Escaper } | { readonly escapeAt: (placeholder: Placeholder) => Escaper };

/**
 * Compile a template once. The rule gives each placeholder its escaper (JSON bodies choose per
 * placeholder, to check that it stands inside a string). `literal`, when given, rewrites the text
 * between placeholders once, after they were found (a webhook expands `${VAR}` there, so that a
 * variable's value is never read as a placeholder).
 */
export function compileTemplate(source: string, name: string, rule: EscapeRule, literal: (text: string) => string = (text) => text): Template {
  const placeholders = findPlaceholders(source, name);
  const literals: string[] = [];
  const slots: { field: string; escape: Escaper }[] = [];
  let last = 0;
  for (const p of placeholders) {
    literals.push(literal(source.slice(last, p.start)));
    const escape = 'escape' in rule ? rule.escape : rule.escapeAt(p);
    slots.push({ field: p.field, escape });
    last = p.end;
  }
  literals.push(literal(source.slice(last)));
  const fields = [...new Set(slots.map((s) => s.field))];

  return {
    name,
    fields,
    isConstant: slots.length === 0,
    render(row: RowFields): Rendered {
      let text = literals[0] ?? '';
      for (let i = 0; i < slots.length; i++) {
        const slot = slots[i]!;
        const value = row[slot.field];
        if (value === undefined) {
          return { ok: false, reason: `${name} uses {{${slot.field}}}, which this row lacks` };
        }
        try {
          text += slot.escape(fieldText(value), slot.field) + literals[i + 1];
        } catch (error) {
          if (error instanceof UnsafeValueError) return { ok: false, reason: `${name}: ${error.message}` };
          throw error;
        }
      }
      return { ok: true, text };
    },
  };
}
