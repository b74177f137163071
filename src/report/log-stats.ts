/**
 * The report page's statistics, folded from a result log's records in one streaming pass: attempts
 * over time by outcome, latency sketches, runs, skipped rows by reason and e-mail domains. Memory
 * is bounded whatever the log's length; final states come from a FinalRows given in.
 */
import { parseRate } from '../config/parse-rate.js';
import type { LogRecord, RowRecord, RunRecord } from '../results/record.js';
import { DomainStats } from './domain-stats.js';
import type { FinalRows } from './final-rows.js';
import { LatencySketch } from './latency-sketch.js';
import { PeakRate } from './peak-rate.js';
import { OUTCOMES, TimeSeries, type AttemptOutcome } from './time-series.js';

/** One run of the log, as the runs table and the run markers show it. */
export interface RunStat {
  readonly command: string;
  readonly at: string;
  /** Seconds of sending time before this run started (where its marker goes). */
  readonly offset: number;
  durationMs: number;
  /** The run's --rate in sends per second, null when unpaced. */
  readonly rate: number | null;
  readonly rateText: string | null;
  /** True when this run started a new campaign (--force): the rows of earlier runs no longer count. */
  readonly newCampaign: boolean;
  /** Attempts by outcome in this run. */
  readonly attempts: Record<AttemptOutcome, number>;
}

/** What the fold learned. */
export interface LogStats {
  readonly runs: readonly RunStat[];
  readonly series: TimeSeries;
  /** Latency of every attempt. */
  readonly attemptLatency: LatencySketch;
  /** The most attempts in one second. */
  readonly peakPerSecond: number;
  /** Skipped rows of the latest campaign, by reason. */
  readonly duplicates: number;
  readonly suppressed: number;
  /** Final rows by recipient domain, for e-mail logs (null for other channels). */
  readonly domains: DomainStats | null;
}

function isOutcome(value: unknown): value is AttemptOutcome {
  return (OUTCOMES as readonly unknown[]).includes(value);
}

function rateOf(settings: Readonly<Record<string, unknown>>): { rate: number | null; rateText: string | null } {
  const text = typeof settings.rate === 'string' ? settings.rate : null;
  try {
    return { rate: text === null || text === '0' || text === 'unlimited' ? null : parseRate(text), rateText: text };
  } catch {
    return { rate: null, rateText: text };
  }
}

/** Folds records (in log order) into LogStats. */
export class StatsFold {
  private readonly runs: RunStat[] = [];
  private readonly series = new TimeSeries();
  private readonly attemptLatency = new LatencySketch();
  private readonly peak = new PeakRate();
  private runStart = Number.NaN;
  private duplicates = 0;
  private suppressed = 0;
  private domains: DomainStats | null = null;
  private toField: string | null = null;
  private lastCampaign: string | null = null;

  constructor(private readonly finals: FinalRows) {}

  /** Take the next record of the log. */
  add(record: LogRecord): void {
    if (record.type === 'run') this.addRun(record);
    else this.addRow(record);
  }

  private addRun(record: RunRecord): void {
    const previous = this.runs.at(-1);
    const newCampaign = previous !== undefined && this.lastCampaign !== record.campaign;
    if (newCampaign) {
      this.duplicates = 0;
      this.suppressed = 0;
    }
    this.lastCampaign = record.campaign;
    this.runStart = Date.parse(record.at);
    this.toField = record.channel === 'email' ? (typeof record.settings.to === 'string' ? record.settings.to : 'email') : null;
    if (this.toField !== null) this.domains ??= new DomainStats();
    this.runs.push({
      command: record.command,
      at: record.at,
      offset: previous ? previous.offset + previous.durationMs / 1000 : 0,
      durationMs: 0,
      ...rateOf(record.settings),
      newCampaign,
      attempts: Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<AttemptOutcome, number>,
    });
  }

  private addRow(record: RowRecord): void {
    const at = Date.parse(record.at);
    const run = this.runs.at(-1);
    if (run && at - this.runStart > run.durationMs) run.durationMs = at - this.runStart;
    if (record.status === 'skipped') {
      // 'suppressed' is the contract's new class (--suppress); RowClass may not list it yet.
      if ((record.class as string | null) === 'suppressed') this.suppressed++;
      else this.duplicates++;
      return;
    }
    if (isOutcome(record.class) && record.status !== 'invalid') {
      const seconds = (run?.offset ?? 0) + (Number.isNaN(this.runStart) ? 0 : (at - this.runStart) / 1000);
      this.series.add(seconds, record.class, record.latencyMs);
      if (record.latencyMs !== null) this.attemptLatency.add(record.latencyMs);
      this.peak.add(at);
      if (run) run.attempts[record.class]++;
    }
    if (this.domains && this.toField !== null && (record.status === 'sent' || record.status === 'failed') && this.finals.isFinal(record)) {
      this.domains.add(record.row[this.toField], record.status === 'failed', record.latencyMs);
    }
  }

  /** The statistics so far. */
  result(): LogStats {
    return {
      runs: this.runs,
      series: this.series,
      attemptLatency: this.attemptLatency,
      peakPerSecond: this.peak.peak,
      duplicates: this.duplicates,
      suppressed: this.suppressed,
      domains: this.domains,
    };
  }
}
