/**
 * One run of a campaign on this machine: the stages wired together — the row source the command
 * built, the result log as the sink, the local pacer — with the run record first, interrupts, and
 * a summary folded from what reached the log. `herald send`, `herald retry` and `herald demo`
 * share it; commands render what it reports.
 */
import { randomUUID } from 'node:crypto';
import type { Channel } from '../channels/channel.js';
import type { Clock } from '../pacing/clock.js';
import { RunPacer } from '../pacing/pacer.js';
import type { RowGate } from '../pacing/row-gate.js';
import { unknownResendWindowMs } from '../pipeline/in-doubt.js';
import { retryPolicy } from '../pipeline/retry-policy.js';
import type { RowSource } from '../pipeline/row-source.js';
import { BREAKER_GIVE_UP_MS, SendLoop, type SendOutcome } from '../pipeline/send-loop.js';
import { DiscardSink } from '../results/discard-sink.js';
import type { LogState } from '../results/log-state.js';
import { LogWriter } from '../results/log-writer.js';
import { RECORD_VERSION, type LogRecord, type RowRecord, type RunRecord } from '../results/record.js';
import type { ResultSink } from '../results/result-sink.js';
import { rowRecord } from '../results/row-record.js';
import { SummaryFold } from '../report/summary.js';
import type { PacingFacts } from '../report/summary-text.js';
import { VERSION } from '../version.js';
import { AnswerStats, describeFailure } from './answer-stats.js';
import { CampaignTally } from './campaign-tally.js';
import { watchInterrupts } from './interrupts.js';
import { PacingNotices } from './pacing-notices.js';
import { SameAnswerStop, sameAnswerMessage } from './same-answer-stop.js';
import { recordedSettings, type RunSettings } from './settings.js';
import { watchSlowCalls } from './slow-calls.js';

/** Everything a run needs. */
export interface CampaignRun {
  readonly settings: RunSettings;
  readonly command: 'send' | 'retry';
  /** Absolute input path, '-' for stdin, or null (retry). */
  readonly input: string | null;
  /** The result log; null for a test send (`--test-to`), whose records go nowhere. */
  readonly logPath: string | null;
  /** Whether the log's last line is complete (false: start on a fresh line). */
  readonly logEndsWithNewline: boolean;
  readonly campaign: string;
  readonly channel: Channel;
  readonly source: RowSource<unknown>;
  /** Rules about single rows (windows, quotas, deadlines). */
  readonly gates?: readonly RowGate[];
  /** The time the run goes by (the machine's, unless a test set one). */
  readonly clock?: Clock;
  /** The log as it stood before this run (a resume, a retry), for the campaign's counts. */
  readonly prior?: LogState | null;
  /**
   * Stop when the run's first answers are all the same permanent failure (a setting is wrong, not
   * the rows): default true; `--keep-going` turns it off.
   */
  readonly stopOnSameAnswer?: boolean;
}

/** How much a notice matters: --quiet hides `info` only. */
export type NoticeLevel = 'info' | 'always' | 'warning';

/** What the command shows while the run goes on. */
export interface RunObserver {
  /** The run record is durable; sending starts. */
  started(): void;
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
  /** How the provider slowed the run down. */
  readonly pacing: PacingFacts;
  /** Rows left waiting for a retry when the run stopped, by class. */
  readonly waitingByClass: Readonly<Record<string, number>>;
  /** The campaign as a whole: the log before this run, and this run's final records. */
  readonly campaign: CampaignTally;
}

/** Where a run's records go: the log file, or nowhere (a test send). */
interface RunSink extends ResultSink {
  onDurable: ((records: readonly LogRecord[]) => void) | null;
  flushNow(): void;
  readonly failed: Error | null;
}

function runRecord(run: CampaignRun): RunRecord {
  return {
    type: 'run',
    v: RECORD_VERSION,
    at: new Date(run.clock?.now() ?? Date.now()).toISOString(),
    herald: VERSION,
    runId: randomUUID(),
    campaign: run.campaign,
    command: run.command,
    channel: run.settings.spec.name,
    input: run.input,
    settings: recordedSettings(run.settings),
  };
}

/** The same answer, now blamed on a setting: failed/fatal, so `--resume` sends the row again. */
function blamedOnSetting(record: RowRecord, at: number): RowRecord {
  const { key, code, error, attempts, messageId, idempotencyKey, latencyMs, line, row } = record;
  return rowRecord({ key, status: 'failed', class: 'fatal', code, error, attempts, messageId, idempotencyKey, latencyMs, line, row }, at);
}

/** Run the campaign; the caller holds the log's lock and closes the channel and the source. */
export async function runCampaign(run: CampaignRun, observer: RunObserver, signals: NodeJS.EventEmitter): Promise<CampaignResult> {
  const { settings } = run;
  const now = run.clock?.now ?? Date.now;
  const writer: RunSink = run.logPath === null ? new DiscardSink() : LogWriter.open(run.logPath, { endsWithNewline: run.logEndsWithNewline, first: runRecord(run) });
  const summary = new SummaryFold();
  const campaign = new CampaignTally(run.prior ?? null);
  const stats = new AnswerStats();
  // Messages and billed segments of what went out, not of rows read ahead of a stop.
  const tallies = new WeakMap<RowRecord, Readonly<Record<string, number>>>();
  // Corrective records (the first answers blamed on a setting), with the record each corrects.
  const corrections = new WeakMap<RowRecord, RowRecord>();
  writer.onDurable = (records) => {
    for (const record of records) {
      if (record.type !== 'row' || record.status === 'pending') continue;
      const original = corrections.get(record);
      if (original) {
        summary.reclassify(original, record);
        continue;
      }
      summary.add(record);
      campaign.add(record);
      const tally = tallies.get(record);
      if (tally) summary.addTally(tally);
    }
  };
  const sink: ResultSink = {
    append: (record) => {
      stats.observe(record);
      writer.append(record);
    },
    commit: () => writer.commit(),
    get backlogged() {
      return writer.backlogged;
    },
    close: () => writer.close(),
  };
  const notices = new PacingNotices(now, () => {
    const failure = stats.dominantFailure();
    return failure ? describeFailure(failure) : null;
  }, BREAKER_GIVE_UP_MS);
  const say = (notice: { text: string; level: NoticeLevel } | null) => {
    if (notice) observer.notice(notice.text, notice.level);
  };
  const pacer = new RunPacer({
    rate: settings.rate,
    ...(settings.burst !== undefined ? { burst: settings.burst } : {}),
    gates: run.gates ?? [],
    ...(run.clock ? { clock: run.clock } : {}),
    onChange: (change) => {
      if ('kind' in change && (change.kind === 'slowed' || change.kind === 'paused')) stats.noteLimit(change.limit);
      say(notices.change(change));
    },
  });
  const watched = watchSlowCalls(run.channel, (line) => observer.notice(line, 'info'));
  const channel = watched.channel;
  const tally = channel.tally?.bind(channel);
  const sameAnswer = run.stopOnSameAnswer === false ? null : new SameAnswerStop();
  const correct = (record: RowRecord) => {
    const fixed = blamedOnSetting(record, now());
    corrections.set(fixed, record);
    sink.append(fixed);
  };
  const loop: SendLoop<unknown> = new SendLoop<unknown>({
    source: run.source,
    channel,
    pacer,
    sink,
    concurrency: settings.concurrency,
    batchSize: Math.max(1, channel.maxBatch ?? 1),
    policy: retryPolicy(settings.retries),
    resendWindowMs: unknownResendWindowMs(settings.inDoubt, channel),
    timeoutMs: settings.timeoutMs,
    ...(run.clock ? { clock: run.clock } : {}),
    events: {
      record: (record, message) => {
        if (tally && record.status === 'sent' && message !== undefined) tallies.set(record, tally(message));
        observer.record(record);
        // Only answers to sends count; records of rows never sent (invalid, duplicate) do not.
        const verdict = message !== undefined && sameAnswer ? sameAnswer.observe(record) : null;
        if (verdict?.act === 'correct') correct(record);
        if (verdict?.act === 'stop') {
          for (const first of verdict.rows) correct(first);
          loop.stop({ kind: 'fatal', detail: sameAnswerMessage(settings.spec.name, verdict, verdict.rows.length), code: verdict.code });
        }
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
  const ticker = setInterval(() => say(notices.tick()), 1000);
  ticker.unref();
  const started = Date.now();
  let outcome: SendOutcome;
  try {
    await writer.commit();
    observer.started();
    outcome = await loop.run();
  } finally {
    clearInterval(ticker);
    watched.dispose();
    interrupts.dispose();
    observer.stopped();
    await writer.close();
  }
  // A log replaced or truncated at the very end is a stop too: its last records are not where users look.
  if (writer.failed && !outcome.stopped) outcome = { ...outcome, stopped: { kind: 'error', detail: writer.failed.message } };
  return {
    outcome,
    summary,
    durationMs: Date.now() - started,
    pacing: { throttledAnswers: stats.throttledAnswers, lowestRate: stats.lowestRate },
    waitingByClass: stats.waitingByClass(),
    campaign,
  };
}
