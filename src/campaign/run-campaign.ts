/**
 * One run of a campaign on this machine: the stages wired together — the row source the command
 * built, the result log as the sink, the local pacer — with the run record first, interrupts, and
 * a summary folded from what reached the log. `herald send`, `herald retry` and `herald demo`
 * share it; commands render what it reports.
 */
import type { Channel } from '../channels/channel.js';
import { formatRate } from '../config/parse-rate.js';
import type { BreakerChange } from '../pacing/circuit-breaker.js';
import type { Clock } from '../pacing/clock.js';
import { RunPacer } from '../pacing/pacer.js';
import type { RowGate } from '../pacing/row-gate.js';
import type { GovernorChange } from '../pacing/throttle-governor.js';
import { unknownResendWindowMs } from '../pipeline/in-doubt.js';
import { retryPolicy } from '../pipeline/retry-policy.js';
import type { RowSource } from '../pipeline/row-source.js';
import { SendLoop, type SendOutcome } from '../pipeline/send-loop.js';
import type { RowRecord } from '../results/record.js';
import type { SummaryFold } from '../report/summary.js';
import { watchInterrupts } from './interrupts.js';
import { openRunLog } from './run-log.js';
import type { RunSettings } from './settings.js';

/** Everything a run needs. */
export interface CampaignRun {
  readonly settings: RunSettings;
  readonly command: 'send' | 'retry';
  /** Absolute input path, '-' for stdin, or null (retry). */
  readonly input: string | null;
  readonly logPath: string;
  /** Whether the log's last line is complete (false: start on a fresh line). */
  readonly logEndsWithNewline: boolean;
  readonly campaign: string;
  readonly channel: Channel;
  readonly source: RowSource<unknown>;
  /** Rules about single rows (windows, quotas, deadlines). */
  readonly gates?: readonly RowGate[];
  /** The time the run goes by (the machine's, unless a test set one). */
  readonly clock?: Clock;
}

/** How much a notice matters: --quiet hides `info` only. */
export type NoticeLevel = 'info' | 'always' | 'warning';

/** What a live display may ask of a run while it goes on. */
export interface RunStatus {
  /** Rows waiting for a gate (a sending window), and the earliest time one may go. */
  readonly waitingForGate: { readonly rows: number; readonly until: number | null };
}

/** What the command shows while the run goes on. */
export interface RunObserver {
  /** The run record is durable; sending starts. `status` reads the run's state at any time. */
  started(status: () => RunStatus): void;
  /** A final row record was queued for the log. */
  record(record: RowRecord): void;
  /** A line for people: `info` is hidden by --quiet; `always` and `warning` are not. */
  notice(text: string, level: NoticeLevel): void;
  /** The run is over (or stopping at once): stop any live display. */
  stopped(): void;
  /** A second interrupt: the run was aborted and the log made consistent; leave now with 130. */
  leaveNow(): void;
}

/** How a run went. */
export interface CampaignResult {
  readonly outcome: SendOutcome;
  /** The fold of the final records that reached the log. */
  readonly summary: SummaryFold;
  readonly durationMs: number;
}

/** Run the campaign; the caller holds the log's lock and closes the channel and the source. */
export async function runCampaign(run: CampaignRun, observer: RunObserver, signals: NodeJS.EventEmitter): Promise<CampaignResult> {
  const { settings, channel } = run;
  const { writer, summary, tally: countTally } = openRunLog(run, run.clock?.now() ?? Date.now());
  const pacer = new RunPacer({
    rate: settings.rate,
    ...(settings.burst !== undefined ? { burst: settings.burst } : {}),
    gates: run.gates ?? [],
    ...(run.clock ? { clock: run.clock } : {}),
    onChange: (change) => observer.notice(...describeChange(change)),
  });
  const tally = channel.tally?.bind(channel);
  const loop = new SendLoop<unknown>({
    source: run.source,
    channel,
    pacer,
    sink: writer,
    concurrency: settings.concurrency,
    batchSize: Math.max(1, channel.maxBatch ?? 1),
    policy: retryPolicy(settings.retries),
    resendWindowMs: unknownResendWindowMs(settings.inDoubt, channel),
    timeoutMs: settings.timeoutMs,
    ...(run.clock ? { clock: run.clock } : {}),
    events: {
      record: (record, message) => {
        // Messages and billed segments of what went out, not of rows read ahead of a stop.
        if (tally && record.status === 'sent' && message !== undefined) countTally(record, tally(message));
        observer.record(record);
      },
      notice: (message) => observer.notice(message, 'warning'),
    },
  });
  const interrupts = watchInterrupts(signals, { stop: () => loop.stop({ kind: 'interrupt' }), abort: () => loop.abort() }, settings.graceMs, {
    first: (signal, graceMs) => observer.notice(`${signal}: stopping; sends in flight get up to ${Math.round(graceMs / 1000)} s to finish (Ctrl-C again to stop at once)`, 'always'),
    second: () => {
      observer.stopped();
      try {
        writer.flushNow();
      } catch {
        // A log that cannot be written was reported already; leaving at once is what was asked.
      }
      observer.leaveNow();
    },
  });
  const started = Date.now();
  let outcome: SendOutcome;
  try {
    await writer.commit();
    observer.started(() => ({ waitingForGate: loop.waitingForGate }));
    outcome = await loop.run();
  } finally {
    interrupts.dispose();
    observer.stopped();
    await writer.close();
  }
  // A log replaced or truncated at the very end is a stop too: its last records are not where users look.
  if (writer.failed && !outcome.stopped) outcome = { ...outcome, stopped: { kind: 'error', detail: writer.failed.message } };
  return { outcome, summary, durationMs: Date.now() - started };
}

/** A pacing change as a line for people, and how much it matters. */
function describeChange(change: GovernorChange | BreakerChange): [string, NoticeLevel] {
  if ('kind' in change) {
    const limit = change.limit === null ? 'no limit' : formatRate(change.limit);
    if (change.kind === 'paused') return [`provider is throttling most sends: pausing ${change.pauseMs} ms, then ${limit}`, 'info'];
    if (change.kind === 'slowed') return [`provider is throttling: slowing to ${limit}`, 'info'];
    return [`throttling over: back to ${limit}`, 'info'];
  }
  if (change.state === 'open' && change.probeFailed) return [`the probe failed too: pausing ${change.cooldownMs} ms, then another`, 'warning'];
  if (change.state === 'open') return [`${change.failures} of the last ${change.window} sends failed: pausing ${change.cooldownMs} ms, then one probe`, 'warning'];
  return ['sends succeed again: circuit closed', 'info'];
}
