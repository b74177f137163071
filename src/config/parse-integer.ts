/** Parsing of integer flags (--concurrency, --retries, --limit, --burst). */
import { UsageError } from '../errors.js';

/** An integer within [min, max] for a flag; throws UsageError naming the flag, the rule and the value. */
export function parseInteger(text: string, flag: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
    throw new UsageError(`${flag} '${text}': expected a whole number ${range}`);
  }
  return value;
}
