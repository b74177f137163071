/**
 * JSON body templates: every placeholder must stand inside a JSON string ("{{name}}"), where its
 * value is escaped as string content, so no value can change the document's structure.
 */
import { ConfigError } from '../errors.js';
import { jsonString } from './escape.js';
import { compileTemplate, findPlaceholders, lineOf, type Template } from './template.js';

/** Offsets of `source` that lie inside a JSON string literal (between its quotes). */
function stringRanges(source: string): [number, number][] {
  const ranges: [number, number][] = [];
  let start = -1;
  for (let i = 0; i < source.length; i++) {
    const ch = source[i];
    if (start === -1) {
      if (ch === '"') start = i;
    } else if (ch === '\\') {
      i++;
    } else if (ch === '"') {
      ranges.push([start, i]);
      start = -1;
    }
  }
  return ranges;
}

/**
 * Compile a JSON body template; throws ConfigError when a placeholder stands outside a string
 * or the template is not valid JSON once its placeholders are filled.
 */
export function compileJsonTemplate(source: string, name: string): Template {
  const ranges = stringRanges(source);
  for (const p of findPlaceholders(source, name)) {
    const inside = ranges.some(([from, to]) => p.start > from && p.end <= to);
    if (!inside) {
      throw new ConfigError(
        `${name} line ${lineOf(source, p.start)}: {{${p.field}}} must stand inside a JSON string, like "{{${p.field}}}"`,
      );
    }
  }
  const template = compileTemplate(source, name, { escape: jsonString });
  const sample = template.render(Object.fromEntries(template.fields.map((f) => [f, 'x'])));
  if (sample.ok) {
    try {
      JSON.parse(sample.text);
    } catch (error) {
      throw new ConfigError(`${name} is not valid JSON: ${(error as Error).message}`);
    }
  }
  return template;
}
