/**
 * How a run ends, in the contract's terms: its exit status and its `--json` summary. One mapping
 * from what the engine reports to what users and scripts see.
 */
import { ExitCode } from '../exit-codes.js';
import type { StopReason } from '../pipeline/stop-reason.js';
import { SummaryFold, type SummaryJson } from '../report/summary.js';
import type { PacingFacts } from '../report/summary-text.js';
import type { CampaignCounts } from './campaign-tally.js';

/** The campaign as a whole at the end of a run (--json `campaign`). */
export interface CampaignReport extends CampaignCounts {
  /** Input rows of the campaign: those recorded, plus those not reached yet when the input could be counted. */
  readonly rows: number;
  readonly notReached: number;
}

/** What a finished run reports (the --json summary). */
export interface RunReport extends SummaryJson {
  readonly command: 'send' | 'retry';
  readonly channel: string;
  /** The result log; null for a test send (--test-to). */
  readonly log: string | null;
  readonly durationMs: number;
  readonly throughput: number;
  readonly stopped: string | null;
  readonly stopReason: string | null;
  readonly exitCode: number;
  readonly retryCommand: string | null;
  readonly resumeCommand: string | null;
  /** The one recommended next command (what the summary's `next` line says), or null. */
  readonly nextCommand: string | null;
  readonly pacing: PacingFacts;
  readonly campaign: CampaignReport | null;
  /** The address of a test send (--test-to), or null. */
  readonly testTo: string | null;
  /** Rows left waiting for a gate (a sending window) when the run ended: no record yet; --resume sends them. */
  readonly deferred: number;
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
    nextCommand: null,
    pacing: { throttledAnswers: 0, lowestRate: null },
    campaign: null,
    testTo: null,
    deferred: 0,
  };
}

/** The --json summary of a run stopped by the provider's preflight answer, before any row was sent. */
export function preflightStopReport(command: 'send' | 'retry', channel: string, log: string, detail: string): RunReport {
  return { ...idleReport(command, channel, log), stopped: 'fatal', stopReason: detail, exitCode: ExitCode.Fatal };
}

/** The exit status of a run: how it stopped, else whether every row it handled was sent or skipped. */
export function exitCodeOf(stopped: StopReason | null, summary: Pick<SummaryFold, 'count'>): ExitCode {
  if (stopped?.kind === 'interrupt') return ExitCode.Interrupted;
  if (stopped?.kind === 'paused') return ExitCode.Paused;
  if (stopped) return ExitCode.Fatal;
  return summary.count('failed') + summary.count('invalid') > 0 ? ExitCode.Incomplete : ExitCode.Ok;
}

/** One line saying why a run stopped. */
export function stopMessage(stopped: StopReason): string {
  switch (stopped.kind) {
    case 'fatal':
    case 'breaker':
      return `stopped: ${stopped.detail}`;
    case 'error':
      return `stopped by an error: ${stopped.detail}`;
    case 'interrupt':
      return 'interrupted';
    case 'paused':
      return `paused: ${stopped.pause.detail}`;
  }
}

/** The detail --json reports for a stop (null for an interrupt). */
export function stopDetail(stopped: StopReason | null): string | null {
  if (stopped === null || stopped.kind === 'interrupt') return null;
  return stopped.kind === 'paused' ? stopped.pause.detail : stopped.detail;
}
