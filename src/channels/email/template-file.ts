/**
 * Reading template files: an email template is header lines (`Name: value`, a line starting
 * with white space continues the one above), a blank line, then the body. Errors name the file
 * and line.
 */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../../errors.js';

/** One header line of a template. */
export interface TemplateHeader {
  /** The name as written ("Reply-To", "x-campaign"). */
  readonly name: string;
  readonly value: string;
  /** 1-based line in the file. */
  readonly line: number;
}

/** A template file split into its header lines and its body. */
export interface TemplateFile {
  /** The name to use in messages (the path as the user gave it). */
  readonly name: string;
  readonly headers: readonly TemplateHeader[];
  readonly body: string;
}

const HEADER_LINE = /^([A-Za-z][A-Za-z0-9-]*)[ \t]*:(.*)$/;
const CONTINUATION = /^[ \t]/;

/** Read a UTF-8 text file (BOM dropped, CRLF read as LF); throws ConfigError naming the flag. */
export function readText(path: string, flag: string, shown: string): string {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : code;
    throw new ConfigError(`${flag} ${shown}: cannot read the file (${why})`);
  }
  return (text.startsWith('\uFEFF') ? text.slice(1) : text).replace(/\r\n?/g, '\n');
}

/** Split a template's text into header lines and body; throws ConfigError naming the line. */
export function parseTemplate(text: string, name: string): TemplateFile {
  const lines = text.split('\n');
  const headers: { name: string; value: string; line: number }[] = [];
  let index = 0;
  for (; index < lines.length; index++) {
    const line = lines[index]!;
    if (line.trim() === '') break;
    const previous = headers[headers.length - 1];
    if (CONTINUATION.test(line) && previous) {
      previous.value += ` ${line.trim()}`;
      continue;
    }
    const match = HEADER_LINE.exec(line);
    if (!match) {
      const shown = line.length > 40 ? `${line.slice(0, 40)}…` : line;
      throw new ConfigError(
        `${name} line ${index + 1}: expected a header line such as 'Subject: …' (then a blank line before the body), found '${shown}'`,
      );
    }
    headers.push({ name: match[1]!, value: match[2]!.trim(), line: index + 1 });
  }
  if (headers.length === 0) {
    throw new ConfigError(`${name}: a template starts with header lines (From: …, Subject: …), then a blank line, then the body`);
  }
  return { name, headers, body: lines.slice(index + 1).join('\n') };
}
