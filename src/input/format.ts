/** Input formats and how a file's format is chosen: `--format`, else the file's extension. */
import { extname } from 'node:path';
import { ConfigError } from '../errors.js';

/** The values `--format` accepts. */
export const INPUT_FORMATS = ['csv', 'tsv', 'jsonl'] as const;

/** A recipient file's format. */
export type InputFormat = (typeof INPUT_FORMATS)[number];

/** The path that means "read standard input". */
export const STDIN_PATH = '-';

/** Extensions (lower case, with the dot) that name a format. */
const FORMAT_BY_EXTENSION: Readonly<Record<string, InputFormat>> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
};

/** How a file is named in messages: its path as given, or "stdin". */
export function inputLabel(path: string): string {
  return path === STDIN_PATH ? 'stdin' : path;
}

/** The format to read `path` as: `format` when given, else from the extension; throws ConfigError. */
export function resolveFormat(path: string, format?: string): InputFormat {
  if (format !== undefined) {
    if ((INPUT_FORMATS as readonly string[]).includes(format)) return format as InputFormat;
    throw new ConfigError(`--format must be one of ${INPUT_FORMATS.join(', ')}; got "${format}"`);
  }
  if (path === STDIN_PATH) {
    throw new ConfigError(`reading stdin needs --format ${INPUT_FORMATS.join('|')}`);
  }
  const extension = extname(path).toLowerCase();
  const byExtension = FORMAT_BY_EXTENSION[extension];
  if (byExtension !== undefined) return byExtension;
  const known = Object.keys(FORMAT_BY_EXTENSION).join(', ');
  throw new ConfigError(
    `cannot tell the format of ${path} from its extension (${extension || 'none'}; known: ${known}): ` +
      `use --format ${INPUT_FORMATS.join('|')}`,
  );
}
