/**
 * The end of a run for people and scripts: why it stopped, the summary on stderr, the --json
 * object on stdout, the commands that go on from here; and the exit status.
 */
import { exitCodeOf, stopDetail, stopMessage, type RunReport } from '../campaign/run-report.js';
import type { CampaignResult } from '../campaign/run-campaign.js';
import type { ExitCode } from '../exit-codes.js';
import type { RowClass } from '../results/record.js';
import { isRetryable } from '../results/row-state.js';
import { plural, summaryText } from '../report/summary-text.js';
import type { Terminal } from './terminal.js';

/** What the end of a run says besides its result. */
export interface RunEndContext {
  readonly command: 'send' | 'retry';
  readonly channel: string;
  readonly logPath: string;
  /** A title for the summary, e.g. "herald send customers.csv". */
  readonly title: string;
  /** How to run this again to finish it (printed after an interruption, a pause or a fatal stop). */
  readonly resumeCommand: string;
  /** How to retry the failures (printed when rows failed). */
  readonly retryCommand: string;
  readonly quiet: boolean;
  readonly json: boolean;
  /** What rows deferred by a gate wait for ("their window"), or null when no gate defers rows. */
  readonly waitingFor?: string | null;
}

/** Print the end of a run; returns its exit status. */
export function renderRunEnd(result: CampaignResult, context: RunEndContext, terminal: Terminal): ExitCode {
  const { outcome, summary, durationMs } = result;
  const exitCode = exitCodeOf(outcome.stopped, summary);
  const json = summary.toJSON();
  const leftPending = outcome.waiting + outcome.cutOff;
  const status = leftPending > 0 ? { ...json.status, pending: leftPending } : json.status;
  const sent = summary.count('sent');
  const throughput = durationMs > 0 ? (sent * 1000) / durationMs : 0;
  const failed = summary.count('failed');
  const retry = failed > 0 ? retryHint(context.retryCommand, json.breakdown.failed ?? {}) : null;
  const hints: [string, string][] = [];
  if (outcome.stopped) hints.push(['resume', context.resumeCommand]);
  if (retry !== null) hints.push(['retry', retry]);
  if (outcome.stopped) {
    const line = `herald: ${stopMessage(outcome.stopped)}`;
    terminal.err.write(`${outcome.stopped.kind === 'paused' ? line : terminal.color.red(line)}\n`);
    // The summary names the resume command; --quiet silences the summary, never how to go on.
    if (context.quiet) terminal.err.write(`herald: to resume: ${context.resumeCommand}\n`);
  }
  if (!context.quiet) {
    const how = outcome.stopped ? stopMessage(outcome.stopped) : 'done';
    const title = `${context.title}: ${how} — ${plural(summary.rows + leftPending, 'row')}`;
    const notes: [string, string][] = [];
    if (outcome.deferred > 0) {
      const waitsFor = context.waitingFor ? ` for ${context.waitingFor}` : '';
      notes.push(['waiting', `${String(outcome.deferred).padStart(7)}  left waiting${waitsFor}: no record yet, --resume sends them`]);
    }
    terminal.err.write(summaryText({ ...json, status }, { title, durationMs, throughput, log: context.logPath, hints, notes }, terminal.color) + '\n');
  }
  if (context.json) {
    const report: RunReport = {
      ...json,
      status,
      command: context.command,
      channel: context.channel,
      log: context.logPath,
      durationMs,
      throughput: Math.round(throughput * 100) / 100,
      stopped: outcome.stopped?.kind ?? null,
      stopReason: stopDetail(outcome.stopped),
      exitCode,
      retryCommand: retry,
      resumeCommand: outcome.stopped ? context.resumeCommand : null,
      deferred: outcome.deferred,
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
