/**
 * What the page shows of the rows' final states besides the counts: the failed rows' provider codes
 * with a few example keys each, and how many attempts rows took.
 */
import type { FinalRows } from './final-rows.js';

/** Example keys kept per code. */
const EXAMPLES = 3;
/** Codes listed one by one; rarer codes past this many count together. */
const MAX_CODES = 200;
/** Attempts counted one by one; rows that took more count under this number as "N or more". */
export const MAX_ATTEMPTS = 10;

/** One failed code: how many rows ended with it, in which class, and which rows (examples). */
export interface CodeRow {
  readonly code: string;
  readonly count: number;
  readonly class: string | null;
  readonly examples: readonly string[];
  /** One of the rows' error messages. */
  readonly error: string | null;
}

/** Rows by number of attempts made (sent and failed rows). */
export interface AttemptsRow {
  readonly attempts: number;
  /** True for the last line: rows that took `attempts` or more. */
  readonly orMore: boolean;
  readonly sent: number;
  readonly failed: number;
}

/** Codes, most frequent first, and the attempts distribution. */
export interface FinalSummary {
  readonly codes: readonly CodeRow[];
  readonly attempts: readonly AttemptsRow[];
}

interface CodeCounter {
  count: number;
  readonly class: string | null;
  readonly examples: string[];
  readonly error: string | null;
}

/** Fold final rows into codes with examples and the attempts distribution. */
export function summarizeFinals(finals: FinalRows): FinalSummary {
  const codes = new Map<string, CodeCounter>();
  const sent = new Array<number>(MAX_ATTEMPTS + 1).fill(0);
  const failed = new Array<number>(MAX_ATTEMPTS + 1).fill(0);
  for (const row of finals) {
    if (row.status !== 'sent' && row.status !== 'failed') continue;
    const attempts = Math.min(Math.max(row.attempts, 0), MAX_ATTEMPTS);
    (row.status === 'sent' ? sent : failed)[attempts]!++;
    if (row.status !== 'failed' || row.code === null) continue;
    const name = codes.has(row.code) || codes.size < MAX_CODES ? row.code : '(other codes)';
    let counter = codes.get(name);
    if (!counter) codes.set(name, (counter = { count: 0, class: row.class, examples: [], error: row.error }));
    counter.count++;
    if (counter.examples.length < EXAMPLES) counter.examples.push(row.key);
  }
  const attempts: AttemptsRow[] = [];
  for (let n = 0; n <= MAX_ATTEMPTS; n++) {
    if (sent[n]! + failed[n]! > 0) attempts.push({ attempts: n, orMore: n === MAX_ATTEMPTS, sent: sent[n]!, failed: failed[n]! });
  }
  return {
    codes: [...codes].map(([code, c]) => ({ code, count: c.count, class: c.class, examples: c.examples, error: c.error })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    attempts,
  };
}
