/**
 * E-mail rows by recipient domain: rows, failures and latency per domain, for a bounded number
 * of domains (the rest are counted together), so a list of a million addresses at a million
 * domains costs no more than MAX_DOMAINS of them.
 */
import { LatencySketch } from './latency-sketch.js';

/** Domains counted one by one; later new domains count as OTHER_DOMAINS. */
export const MAX_DOMAINS = 1000;
/** The name under which domains past MAX_DOMAINS are counted. */
export const OTHER_DOMAINS = '(other domains)';

/** One line of the domain table. */
export interface DomainRow {
  readonly domain: string;
  /** Rows whose final state is sent or failed. */
  readonly rows: number;
  readonly failed: number;
  /** failed / rows, 0..1. */
  readonly failureRate: number;
  /** p95 latency of the rows' last attempts, ms. */
  readonly p95: number | null;
}

interface Counter {
  rows: number;
  failed: number;
  readonly latency: LatencySketch;
}

/** The domain of an address: what follows its last @, lower-cased; "(no domain)" without one. */
export function domainOf(address: unknown): string {
  const text = typeof address === 'string' ? address.trim() : '';
  const at = text.lastIndexOf('@');
  const domain = at < 0 ? '' : text.slice(at + 1).replace(/>$/, '').toLowerCase();
  return domain === '' ? '(no domain)' : domain;
}

/** Counts final rows by recipient domain. */
export class DomainStats {
  private readonly counters = new Map<string, Counter>();

  /** Count one row's final record: its recipient address, whether it failed, its last latency. */
  add(address: unknown, failed: boolean, latencyMs: number | null): void {
    let name = domainOf(address);
    if (!this.counters.has(name) && this.counters.size >= MAX_DOMAINS) name = OTHER_DOMAINS;
    let counter = this.counters.get(name);
    if (!counter) this.counters.set(name, (counter = { rows: 0, failed: 0, latency: new LatencySketch() }));
    counter.rows++;
    if (failed) counter.failed++;
    if (latencyMs !== null) counter.latency.add(latencyMs);
  }

  /** Number of domains seen (OTHER_DOMAINS counting as one). */
  get size(): number {
    return this.counters.size;
  }

  /** The `limit` domains with the most rows, most first. */
  top(limit: number): DomainRow[] {
    return [...this.counters]
      .sort((a, b) => b[1].rows - a[1].rows || a[0].localeCompare(b[0]))
      .slice(0, limit)
      .map(([domain, c]) => ({ domain, rows: c.rows, failed: c.failed, failureRate: c.rows > 0 ? c.failed / c.rows : 0, p95: c.latency.quantile(0.95) }));
  }
}
