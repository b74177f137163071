/**
 * The Content-Type of an attached file: what nodemailer would give it by its extension, and for a
 * text type (`text/plain`, `text/csv`, `text/html`…) whose bytes are valid UTF-8, `charset=utf-8`
 * as well, so a mail reader does not guess the text's encoding (Chinese in a .txt turned to
 * mojibake). A file's answer is kept while its size and modification time stay the same.
 */
import { readFileSync, type Stats } from 'node:fs';
import * as mimeFuncs from 'nodemailer/lib/mime-funcs';

/** nodemailer's extension table (present at runtime, missing from its type declarations). */
const detectMimeType = (mimeFuncs as unknown as { detectMimeType(filename: string): string }).detectMimeType;
const utf8 = new TextDecoder('utf-8', { fatal: true });
/** Text files larger than this are not read to find their charset (nodemailer's own guess stands). */
const MAX_CHECKED_BYTES = 10 * 1024 * 1024;

const known = new Map<string, { readonly size: number; readonly mtimeMs: number; readonly type: string }>();

function isUtf8(path: string): boolean {
  try {
    utf8.decode(readFileSync(path));
    return true;
  } catch {
    return false;
  }
}

/** The Content-Type for the file at `path` (real path, `stat` its stats), named `filename`. */
export function attachmentType(filename: string, path: string, stat: Pick<Stats, 'size' | 'mtimeMs'>): string {
  const type = detectMimeType(filename);
  if (!type.startsWith('text/') || stat.size > MAX_CHECKED_BYTES) return type;
  const seen = known.get(path);
  if (seen !== undefined && seen.size === stat.size && seen.mtimeMs === stat.mtimeMs) return seen.type;
  const withCharset = isUtf8(path) ? `${type}; charset=utf-8` : type;
  known.set(path, { size: stat.size, mtimeMs: stat.mtimeMs, type: withCharset });
  return withCharset;
}
