/** Reading the SMS simulators' flag values (commander's camelCase options, strings or arrays). */
import { ConfigError } from '../../errors.js';

/** A flag's values as a list (a repeatable flag gives an array, a single one a string). */
export function list(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(String);
  return typeof value === 'string' ? [value] : [];
}

/** A whole number ≥ 0 from `options[name]`, or `fallback`; ConfigError names `flag`. */
export function whole(options: Readonly<Record<string, unknown>>, name: string, flag: string, fallback: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new ConfigError(`${flag} must be a whole number ≥ 0, got '${String(value)}'`);
  return n;
}

/** `--seed`: the given whole number, or a random one. */
export function seedOf(options: Readonly<Record<string, unknown>>): number {
  return options.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : whole(options, 'seed', '--seed', 0);
}
