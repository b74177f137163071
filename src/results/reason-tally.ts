/**
 * Why rows ended `invalid` or `failed`, counted so a summary can name the few reasons that matter:
 * equal reasons group once what varies from row to row (the record number a planner puts first, an
 * address, a phone number) is taken out, and the number of distinct reasons kept is bounded.
 */

/** The statuses whose reasons are counted. */
export type ReasonStatus = 'invalid' | 'failed';

/** One reason and how many rows ended with it. */
export interface ReasonCount {
  readonly status: ReasonStatus;
  readonly reason: string;
  readonly count: number;
}

/** Distinct reasons kept per tally; rarer reasons past this many count together. */
export const MAX_DISTINCT_REASONS = 500;
/** Longest reason kept, in characters (a provider's answer can be long). */
export const MAX_REASON_CHARS = 160;
/** What reasons past MAX_DISTINCT_REASONS count as. */
export const OTHER_REASONS = '(other reasons)';

// "record 12 (line 13): " from the send planner, "record 12: " from the retry planner.
const RECORD_PREFIX = /^record \d+(?: \(line \d+\))?: /;
const EMAIL = /[^\s<>"'`,;:()[\]]+@[^\s<>"'`,;:()[\]]+\.[A-Za-z]{2,}/g;
// Phone numbers and other long digit runs (ids, timestamps): "+8613800000000", "1733250000000".
const LONG_NUMBER = /\+?\d{6,}/g;

/**
 * A row's reason as it groups with others: the record-number prefix dropped, addresses and long
 * numbers replaced by "…", whitespace collapsed; with the code first when the text lacks it.
 */
export function normalizeReason(error: string | null, code: string | null = null): string {
  let text = (error ?? '').replace(RECORD_PREFIX, '').replace(/\s+/g, ' ').trim();
  text = text.replace(EMAIL, '…').replace(LONG_NUMBER, '…');
  if (code !== null && code !== '' && !text.includes(code)) text = text === '' ? code : `${code}: ${text}`;
  if (text === '') return '(no reason recorded)';
  return text.length > MAX_REASON_CHARS ? `${text.slice(0, MAX_REASON_CHARS - 1)}…` : text;
}

/** Counts reasons of invalid and failed rows, bounded in the reasons it keeps. */
export class ReasonTally {
  private readonly counts = new Map<string, number>();

  /** Count `count` rows that ended `status` with this error (and code). */
  add(status: ReasonStatus, error: string | null, code: string | null = null, count = 1): void {
    this.addNormalized(status, normalizeReason(error, status === 'failed' ? code : null), count);
  }

  /** Count rows under a reason already normalized (merging tallies). */
  addNormalized(status: ReasonStatus, reason: string, count: number): void {
    let key = `${status}\u0000${reason}`;
    if (!this.counts.has(key) && this.counts.size >= MAX_DISTINCT_REASONS) key = `${status}\u0000${OTHER_REASONS}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + count);
  }

  /** Take `count` rows away from a reason (a row whose final record was corrected). */
  remove(status: ReasonStatus, error: string | null, code: string | null = null, count = 1): void {
    let key = `${status}\u0000${normalizeReason(error, status === 'failed' ? code : null)}`;
    // A reason that came after the bound was counted among the others.
    if (!this.counts.has(key)) key = `${status}\u0000${OTHER_REASONS}`;
    if (!this.counts.has(key)) return;
    const left = (this.counts.get(key) ?? 0) - count;
    if (left > 0) this.counts.set(key, left);
    else this.counts.delete(key);
  }

  /** Every reason counted, in no particular order. */
  entries(): ReasonCount[] {
    return [...this.counts].map(([key, count]) => {
      const [status, reason] = key.split('\u0000') as [ReasonStatus, string];
      return { status, reason, count };
    });
  }

  /** The `n` most frequent reasons, most frequent first (ties: failed before invalid, then by text). */
  top(n: number): ReasonCount[] {
    return this.entries()
      .sort((a, b) => b.count - a.count || a.status.localeCompare(b.status) || a.reason.localeCompare(b.reason))
      .slice(0, n);
  }
}
