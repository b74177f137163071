/**
 * Runs a plan against a channel with the result log, progress, signals and the end summary: the
 * part `herald send`, `herald retry` and `herald demo` share. Returns the run's exit status.
 */
import { randomUUID } from 'node:crypto';
import type { Channel } from '../channels/channel.js';
import { ExitCode } from '../exit-codes.js';
import { formatRate } from '../config/parse-rate.js';
import type { BreakerChange } from '../pacing/circuit-breaker.js';
import { RunPacer } from '../pacing/pacer.js';
import type { GovernorChange } from '../pacing/throttle-governor.js';
import { Dispatcher, type DispatchOutcome, type StopReason } from '../pipeline/dispatcher.js';
import { unknownResendWindowMs } from '../pipeline/in-doubt.js';
import { isRetryable } from '../pipeline/plan-retry.js';
import { retryPolicy } from '../pipeline/retry-policy.js';
import type { PlannedItem } from '../pipeline/work-item.js';
import { LogWriter } from '../results/log-writer.js';
import { RECORD_VERSION, type RowClass, type RowRecord, type RunRecord } from '../results/record.js';
import { SummaryFold, type SummaryJson } from '../report/summary.js';
import { VERSION } from '../version.js';
import { createProgress, type ProgressView } from '../ui/progress.js';
import { plural, summaryText } from '../ui/summary-text.js';
import { warn } from '../ui/terminal.js';
import type { CommandIO } from './command-io.js';
import { recordedSettings, type RunSettings } from './settings.js';

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
  readonly plan: AsyncIterable<PlannedItem<unknown>[]>;
  /** Rows expected, for the progress bar (null: unknown). */
  readonly total: number | null;
  /** How to run this again to finish it (printed after an interruption or a fatal stop). */
  readonly resumeCommand: string;
  /** How to retry the failures (printed when rows failed). */
  readonly retryCommand: string;
  /** A title for the summary, e.g. "herald send customers.csv". */
  readonly title: string;
}

/** What a finished run reports (the --json summary). */
export interface RunReport extends SummaryJson {
  readonly command: 'send' | 'retry';
  readonly channel: string;
  readonly log: string;
  readonly durationMs: number;
  readonly throughput: number;
  readonly stopped: string | null;
  readonly stopReason: string | null;
  readonly exitCode: number;
  readonly retryCommand: string | null;
  readonly resumeCommand: string | null;
}

/** The --json summary of a run that had nothing to do. */
export function idleReport(command: 'send' | 'retry', channel: string, log: string): RunReport {
  return {
    ...new SummaryFold().toJSON(),
    command,
    channel,
    log,
    durationMs: 0,
    throughput: 0,
    stopped: null,
    stopReason: null,
    exitCode: ExitCode.Ok,
    retryCommand: null,
    resumeCommand: null,
  };
}

/** The --json summary of a run stopped by the provider's preflight answer, before any row was sent. */
export function preflightStopReport(command: 'send' | 'retry', channel: string, log: string, detail: string): RunReport {
  return { ...idleReport(command, channel, log), stopped: 'fatal', stopReason: detail, exitCode: ExitCode.Fatal };
}

function runRecord(run: CampaignRun): RunRecord {
  return {
    type: 'run',
    v: RECORD_VERSION,
    at: new Date().toISOString(),
    herald: VERSION,
    runId: randomUUID(),
    campaign: run.campaign,
    command: run.command,
    channel: run.settings.spec.name,
    input: run.input,
    settings: recordedSettings(run.settings),
  };
}

function exitCodeOf(stopped: StopReason | null, summary: SummaryFold): ExitCode {
  if (stopped?.kind === 'interrupt') return ExitCode.Interrupted;
  if (stopped) return ExitCode.Fatal;
  return summary.count('failed') + summary.count('invalid') > 0 ? ExitCode.Incomplete : ExitCode.Ok;
}

function stopMessage(stopped: StopReason): string {
  switch (stopped.kind) {
    case 'fatal':
      return `stopped: ${stopped.detail}`;
    case 'breaker':
      return `stopped: ${stopped.detail}`;
    case 'error':
      return `stopped by an error: ${stopped.detail}`;
    case 'interrupt':
      return 'interrupted';
  }
}

function describeChange(change: GovernorChange | BreakerChange): { text: string; warning: boolean } {
  if ('kind' in change) {
    const limit = change.limit === null ? 'no limit' : formatRate(change.limit);
    if (change.kind === 'paused') return { text: `provider is throttling most sends: pausing ${change.pauseMs} ms, then ${limit}`, warning: false };
    if (change.kind === 'slowed') return { text: `provider is throttling: slowing to ${limit}`, warning: false };
    return { text: `throttling over: back to ${limit}`, warning: false };
  }
  if (change.state === 'open' && change.probeFailed) {
    return { text: `the probe failed too: pausing ${change.cooldownMs} ms, then another`, warning: true };
  }
  if (change.state === 'open') {
    return { text: `${change.failures} of the last ${change.window} sends failed: pausing ${change.cooldownMs} ms, then one probe`, warning: true };
  }
  return { text: 'sends succeed again: circuit closed', warning: false };
}

/** Counts shown by the progress display. */
class LiveCounts {
  done = 0;
  sent = 0;
  failed = 0;
  other = 0;

  add(record: RowRecord): void {
    this.done++;
    if (record.status === 'sent') this.sent++;
    else if (record.status === 'failed') this.failed++;
    else this.other++;
  }
}

/** Run the plan; the caller holds the log's lock and closes the channel. */
export async function runCampaign(run: CampaignRun, io: CommandIO): Promise<ExitCode> {
  const { settings } = run;
  const terminal = io.terminal;
  const writer = LogWriter.open(run.logPath, run.logEndsWithNewline);
  writer.append(runRecord(run));
  const summary = new SummaryFold();
  const counts = new LiveCounts();
  let progress: ProgressView | null = null;
  const tally = run.channel.tally?.bind(run.channel);
  const pacer = new RunPacer({
    rate: settings.rate,
    ...(settings.burst !== undefined ? { burst: settings.burst } : {}),
    onChange: (change) => {
      const { text, warning } = describeChange(change);
      if (warning) progress?.notice(`${terminal.color.yellow('herald: warning:')} ${text}`);
      else if (!settings.quiet) progress?.notice(`herald: ${text}`);
    },
  });
  const dispatcher = new Dispatcher<unknown>({
    channel: run.channel,
    plan: run.plan,
    sink: writer,
    pacer,
    concurrency: settings.concurrency,
    batchSize: Math.max(1, run.channel.maxBatch ?? 1),
    policy: retryPolicy(settings.retries),
    resendWindowMs: unknownResendWindowMs(settings.inDoubt, run.channel),
    timeoutMs: settings.timeoutMs,
    events: {
      record: (record, message) => {
        summary.add(record);
        // Messages and billed segments of what went out, not of rows read ahead of a stop.
        if (tally && record.status === 'sent' && message !== undefined) summary.addTally(tally(message));
        counts.add(record);
        progress?.update(counts);
      },
      notice: (message) => warn(terminal, message),
    },
  });

  let interrupts = 0;
  let graceTimer: NodeJS.Timeout | undefined;
  const onSignal = (signal: string) => {
    interrupts++;
    if (interrupts === 1) {
      progress?.notice(`herald: ${signal}: stopping; sends in flight get up to ${Math.round(settings.graceMs / 1000)} s to finish (Ctrl-C again to stop at once)`);
      dispatcher.stop({ kind: 'interrupt' });
      graceTimer = setTimeout(() => dispatcher.abort(), settings.graceMs);
      return;
    }
    dispatcher.abort();
    progress?.stop();
    try {
      writer.flushNow();
    } catch {
      // A log that cannot be written was reported already; leaving at once is what was asked.
    }
    terminal.err.write(`herald: stopped at once; the log is consistent. Resume with:\n  ${run.resumeCommand}\n`);
    io.exit(ExitCode.Interrupted);
  };
  const onSigint = () => onSignal('SIGINT');
  const onSigterm = () => onSignal('SIGTERM');
  io.signals.on('SIGINT', onSigint);
  io.signals.on('SIGTERM', onSigterm);

  const started = Date.now();
  let outcome: DispatchOutcome;
  try {
    await writer.commit();
    progress = createProgress(terminal, { quiet: settings.quiet, total: run.total, label: run.command });
    outcome = await dispatcher.run();
  } finally {
    clearTimeout(graceTimer);
    io.signals.off('SIGINT', onSigint);
    io.signals.off('SIGTERM', onSigterm);
    progress?.stop();
    await writer.close();
  }
  const durationMs = Date.now() - started;
  return finish(run, io, summary, outcome, durationMs);
}

function finish(run: CampaignRun, io: CommandIO, summary: SummaryFold, outcome: DispatchOutcome, durationMs: number): ExitCode {
  const { settings } = run;
  const terminal = io.terminal;
  const exitCode = exitCodeOf(outcome.stopped, summary);
  const json = summary.toJSON();
  const leftPending = outcome.waiting + outcome.cutOff;
  const status = leftPending > 0 ? { ...json.status, pending: leftPending } : json.status;
  const sent = summary.count('sent');
  const throughput = durationMs > 0 ? (sent * 1000) / durationMs : 0;
  const failed = summary.count('failed');
  const retry = failed > 0 ? retryHint(run.retryCommand, json.breakdown.failed ?? {}) : null;
  const hints: [string, string][] = [];
  if (outcome.stopped) hints.push(['resume', run.resumeCommand]);
  if (retry !== null) hints.push(['retry', retry]);
  if (outcome.stopped) {
    terminal.err.write(`${terminal.color.red(`herald: ${stopMessage(outcome.stopped)}`)}\n`);
    // The summary names the resume command; --quiet silences the summary, never how to go on.
    if (settings.quiet) terminal.err.write(`herald: to resume: ${run.resumeCommand}\n`);
  }
  if (!settings.quiet) {
    const title = `${run.title}: ${outcome.stopped ? stopMessage(outcome.stopped) : 'done'} — ${plural(summary.rows + leftPending, 'row')}`;
    terminal.err.write(summaryText({ ...json, status }, { title, durationMs, throughput, log: run.logPath, hints }, terminal.color) + '\n');
  }
  if (settings.json) {
    const report: RunReport = {
      ...json,
      status,
      command: run.command,
      channel: settings.spec.name,
      log: run.logPath,
      durationMs,
      throughput: Math.round(throughput * 100) / 100,
      stopped: outcome.stopped?.kind ?? null,
      stopReason: outcome.stopped && outcome.stopped.kind !== 'interrupt' ? outcome.stopped.detail : null,
      exitCode,
      retryCommand: retry,
      resumeCommand: outcome.stopped ? run.resumeCommand : null,
    };
    terminal.out.write(JSON.stringify(report) + '\n');
  }
  return exitCode;
}

/** The command that retries this run's failures: with --all when every one failed for good (permanent). */
function retryHint(retryCommand: string, failedClasses: Readonly<Record<string, number>>): string {
  const retriedByDefault = Object.keys(failedClasses).some((name) => isRetryable({ status: 'failed', class: name as RowClass }, false));
  return retriedByDefault ? retryCommand : `${retryCommand} --all`;
}

