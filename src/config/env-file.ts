/** --env-file: KEY=VALUE lines loaded into the environment, without overriding variables already set. */
import { readFileSync } from 'node:fs';
import { ConfigError } from '../errors.js';

const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/;

/** Parse an env file's text; throws ConfigError naming the file and line of a malformed line. */
export function parseEnvFile(text: string, file: string): Map<string, string> {
  const values = new Map<string, string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) return;
    const match = LINE.exec(raw);
    if (!match) throw new ConfigError(`${file} line ${index + 1}: expected KEY=VALUE`);
    let value = match[2] ?? '';
    const quote = value[0];
    if ((quote === '"' || quote === "'") && value.endsWith(quote) && value.length >= 2) {
      value = value.slice(1, -1);
      if (quote === '"') value = value.replace(/\\n/g, '\n').replace(/\\"/g, '"');
    } else {
      value = value.replace(/\s+#.*$/, '');
    }
    values.set(match[1]!, value);
  });
  return values;
}

/** Read an env file and return the environment with its values added under those already set. */
export function loadEnvFile(file: string, env: Readonly<Record<string, string | undefined>>): Record<string, string | undefined> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`--env-file ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const merged: Record<string, string | undefined> = { ...env };
  for (const [key, value] of parseEnvFile(text, file)) {
    if (merged[key] === undefined) merged[key] = value;
  }
  return merged;
}
