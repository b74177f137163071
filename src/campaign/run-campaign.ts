/**
 * One run of a campaign on this machine: the stages wired together — the row source the command
 * built, the result log as the sink, the local pacer — with the run record first, interrupts, and
 * a summary folded from what reached the log. `herald send`, `herald retry` and `herald demo`
 * share it; commands render what it reports.
 */
import type { Channel } from '../channels/channel.js';
import type { Clock } from '../pacing/clock.js';
import { RunPacer } from '../pacing/pacer.js';
import type { RowGate } from '../pacing/row-gate.js';
import { unknownResendWindowMs } from '../pipeline/in-doubt.js';
import { retryPolicy } from '../pipeline/retry-policy.js';
import type { RowSource } from '../pipeline/row-source.js';
import { BREAKER_GIVE_UP_MS, SendLoop, type SendOutcome } from '../pipeline/send-loop.js';
import type { RowRecord } from '../results/record.js';
import type { ResultSink } from '../results/result-sink.js';
import type { SummaryFold } from '../report/summary.js';
import type { PacingFacts } from '../report/summary-text.js';
import { AnswerStats, describeFailure } from './answer-stats.js';
import type { CampaignTally } from './campaign-tally.js';
import { PacingNotices } from './pacing-notices.js';
import { blamedOnSetting, watchSameAnswer } from './same-answer-stop.js';
import { watchInterrupts } from './interrupts.js';
import { openRunLog, type RunIdentity } from './run-log.js';
import { watchSlowCalls } from './slow-calls.js';

/** Everything a run needs: what its run record says (a null log: a test send, recorded nowhere), and its stages. */
export interface CampaignRun extends RunIdentity {
  readonly channel: Channel;
  readonly source: RowSource<unknown>;
  /** Rules about single rows (windows, quotas, deadlines). */
  readonly gates?: readonly RowGate[];
  /** The time the run goes by (the machine's, unless a test set one). */
  readonly clock?: Clock;
  /**
   * Stop when the run's first answers are all the same permanent failure (a setting is wrong, not
   * the rows): default true; `--keep-going` turns it off.
   */
  readonly stopOnSameAnswer?: boolean;
}

/** How much a notice matters: --quiet hides `info` only. */
export type NoticeLevel = 'info' | 'always' | 'warning';

/** What a live display may ask of a run while it goes on. */
export interface RunStatus {
  /** Rows waiting for a gate (a sending window), and the earliest time one may go. */
  readonly waitingForGate: { readonly rows: number; readonly until: number | null };
  /** Rows waiting for their retry (backoff, Retry-After, a number's flow control). */
  readonly waitingToRetry?: number;
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
  /** How the provider slowed the run down (absent: not watched, as through workers). */
  readonly pacing?: PacingFacts;
  /** Rows left waiting for a retry when the run stopped, by class. */
  readonly waitingByClass?: Readonly<Record<string, number>>;
  /** The campaign as a whole: the log before this run, and this run's final records. */
  readonly campaign?: CampaignTally;
}

/** Run the campaign; the caller holds the log's lock and closes the channel and the source. */
export async function runCampaign(run: CampaignRun, observer: RunObserver, signals: NodeJS.EventEmitter): Promise<CampaignResult> {
  const { settings } = run;
  const now = run.clock?.now ?? Date.now;
  const log = openRunLog(run, now());
  const { writer, summary } = log;
  const stats = new AnswerStats();
  // Every record goes past the stats on its way to the log (pending ones too: a retry's wait says why).
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
  const correct = (record: RowRecord) => {
    const fixed = blamedOnSetting(record, now());
    log.corrects(fixed, record);
    sink.append(fixed);
  };
  const sameAnswer = run.stopOnSameAnswer === false ? null : watchSameAnswer(settings.spec.name, correct, (reason) => loop.stop(reason));
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
        // Messages and billed segments of what went out, not of rows read ahead of a stop.
        if (tally && record.status === 'sent' && message !== undefined) log.tally(record, tally(message));
        observer.record(record);
        // Only answers to sends count; records of rows never sent (invalid, duplicate) do not.
        if (message !== undefined) sameAnswer?.(record);
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
    observer.started(() => ({ waitingForGate: loop.waitingForGate, waitingToRetry: loop.waitingToRetry }));
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
    campaign: log.campaign,
  };
}
