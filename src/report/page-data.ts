/**
 * Everything the report page shows, gathered in one streaming pass over the log (plus the final
 * states already folded): the counts of `herald report --json`, the statistics of StatsFold, and
 * the chart data the page's script draws.
 */
import { basename } from 'node:path';
import type { LogReport } from './log-report.js';
import { scanLog } from '../results/log-reader.js';
import type { DomainRow } from './domain-stats.js';
import type { FinalRows } from './final-rows.js';
import { summarizeFinals, type AttemptsRow, type CodeRow } from './final-summary.js';
import { bucketHigh, bucketLow, PER_OCTAVE, SKETCH_BUCKETS, type LatencySketch } from './latency-sketch.js';
import { StatsFold, type RunStat } from './log-stats.js';
import type { SeriesJson } from './time-series.js';

/** Codes and domains listed on the page. */
const TOP_CODES = 20;
const TOP_DOMAINS = 25;
/** Sketch buckets merged into one histogram bar (four bars per doubling). */
const BAR_BUCKETS = PER_OCTAVE / 4;

/** The counts the page shares with `herald report --json`. */
export type ReportCounts = Pick<
  LogReport,
  'log' | 'channel' | 'rows' | 'status' | 'breakdown' | 'latencyMs' | 'tally' | 'runs' | 'firstRunAt' | 'lastRunAt' | 'durationMs' | 'throughput' | 'retryable'
>;

/** The latency histogram: one bar per quarter doubling, from the first non-empty bar to the last. */
export interface HistogramJson {
  readonly low: readonly number[];
  readonly high: readonly number[];
  readonly count: readonly number[];
}

/** What the page's script draws. */
export interface ChartData {
  readonly series: SeriesJson;
  /** The configured --rate (sends/s) in force in each bucket, null where unpaced. */
  readonly rate: readonly (number | null)[];
  readonly runs: readonly Pick<RunStat, 'command' | 'at' | 'offset'>[];
  readonly histogram: HistogramJson;
}

/** Everything the page shows. */
export interface PageData {
  readonly name: string;
  readonly report: ReportCounts;
  readonly duplicates: number;
  readonly suppressed: number;
  readonly peakPerSecond: number;
  readonly attempts: number;
  readonly throttledAnswers: number;
  readonly runs: readonly RunStat[];
  readonly codes: readonly CodeRow[];
  readonly attemptsTable: readonly AttemptsRow[];
  /** Top domains for e-mail logs, null for other channels. */
  readonly domains: readonly DomainRow[] | null;
  readonly domainCount: number;
  readonly chart: ChartData;
}

/** The histogram bars of a sketch, trimmed to the non-empty range. */
export function histogramOf(sketch: LatencySketch): HistogramJson {
  const low: number[] = [];
  const high: number[] = [];
  const count: number[] = [];
  const bars = 1 + Math.ceil((SKETCH_BUCKETS - 1) / BAR_BUCKETS);
  for (let bar = 0; bar < bars; bar++) {
    const first = bar === 0 ? 0 : 1 + (bar - 1) * BAR_BUCKETS;
    const last = bar === 0 ? 0 : Math.min(SKETCH_BUCKETS - 1, first + BAR_BUCKETS - 1);
    let n = 0;
    for (let i = first; i <= last; i++) n += sketch.counts[i]!;
    low.push(Math.round(bucketLow(first) * 10) / 10);
    high.push(Math.round(bucketHigh(last) * 10) / 10);
    count.push(n);
  }
  const from = count.findIndex((n) => n > 0);
  const to = count.findLastIndex((n) => n > 0);
  if (from < 0) return { low: [], high: [], count: [] };
  return { low: low.slice(from, to + 1), high: high.slice(from, to + 1), count: count.slice(from, to + 1) };
}

function rateByBucket(series: SeriesJson, runs: readonly RunStat[]): (number | null)[] {
  return series.x.map((x) => {
    let rate: number | null = null;
    for (const run of runs) if (run.offset <= x + series.width / 2) rate = run.rate;
    return rate;
  });
}

/** Stream the log at `path` once and gather the page's data; `finals` are its keys' final states. */
export async function collectPageData(path: string, report: ReportCounts, finals: FinalRows): Promise<PageData> {
  const fold = new StatsFold(finals);
  await scanLog(path, (record) => fold.add(record));
  const stats = fold.result();
  const summary = summarizeFinals(finals);
  const series = stats.series.toJSON();
  const attempts = stats.runs.reduce((sum, run) => sum + Object.values(run.attempts).reduce((a, b) => a + b, 0), 0);
  return {
    name: basename(path),
    report,
    duplicates: stats.duplicates,
    suppressed: stats.suppressed,
    peakPerSecond: stats.peakPerSecond,
    attempts,
    throttledAnswers: stats.runs.reduce((sum, run) => sum + run.attempts.throttled, 0),
    runs: stats.runs,
    codes: summary.codes.slice(0, TOP_CODES),
    attemptsTable: summary.attempts,
    domains: stats.domains ? stats.domains.top(TOP_DOMAINS) : null,
    domainCount: stats.domains?.size ?? 0,
    chart: {
      series,
      rate: rateByBucket(series, stats.runs),
      runs: stats.runs.map((run) => ({ command: run.command, at: run.at, offset: run.offset })),
      histogram: histogramOf(stats.attemptLatency),
    },
  };
}
