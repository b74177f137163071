/**
 * The result log of one run, opened with its run record first, and the summary folded from what
 * reaches it (not from what was queued: after a write failure the summary still tells the log's
 * truth), with the campaign's counts across runs. A local run and a run through Redis workers
 * write the same log this way; a test send (`--test-to`) writes nowhere but is summarised alike.
 */
import { randomUUID } from 'node:crypto';
import { DiscardSink } from '../results/discard-sink.js';
import type { LogState } from '../results/log-state.js';
import { LogWriter } from '../results/log-writer.js';
import { RECORD_VERSION, type RowRecord, type RunRecord } from '../results/record.js';
import { SummaryFold } from '../report/summary.js';
import { VERSION } from '../version.js';
import { CampaignTally } from './campaign-tally.js';
import { recordedSettings, type RunSettings } from './settings.js';

/** What a run record says of its run. */
export interface RunIdentity {
  readonly settings: RunSettings;
  readonly command: 'send' | 'retry';
  /** Absolute input path, '-' for stdin, or null (retry). */
  readonly input: string | null;
  readonly campaign: string;
  /** The result log; null for a test send (`--test-to`), whose records go nowhere. */
  readonly logPath: string | null;
  /** Whether the log's last line is complete (false: start on a fresh line). */
  readonly logEndsWithNewline: boolean;
  /** The log as it stood before this run (a resume, a retry), for the campaign's counts. */
  readonly prior?: LogState | null;
}

/** An open run log and its summary. */
export interface RunLog {
  readonly writer: LogWriter | DiscardSink;
  readonly summary: SummaryFold;
  /** The campaign as a whole: the log before this run, and this run's final records. */
  readonly campaign: CampaignTally;
  /** Count a sent record's messages and billed segments once it reaches the log. */
  tally(record: RowRecord, counts: Readonly<Record<string, number>>): void;
  /** `fixed` replaces `original` as the row's final record (a corrective record): the summary moves the row, once it is durable. */
  corrects(fixed: RowRecord, original: RowRecord): void;
}

/** The run record that opens a run. */
export function runRecord(run: RunIdentity, nowMs: number): RunRecord {
  return {
    type: 'run',
    v: RECORD_VERSION,
    at: new Date(nowMs).toISOString(),
    herald: VERSION,
    runId: randomUUID(),
    campaign: run.campaign,
    command: run.command,
    channel: run.settings.spec.name,
    input: run.input,
    settings: recordedSettings(run.settings),
  };
}

/** Open the run's log (its run record first) with a summary of what reaches it. */
export function openRunLog(run: RunIdentity, nowMs: number): RunLog {
  const writer = run.logPath === null ? new DiscardSink() : LogWriter.open(run.logPath, { endsWithNewline: run.logEndsWithNewline, first: runRecord(run, nowMs) });
  const summary = new SummaryFold(run.settings.spec.retryLeavesInDoubt === true);
  const campaign = new CampaignTally(run.prior ?? null);
  const tallies = new WeakMap<RowRecord, Readonly<Record<string, number>>>();
  const corrected = new WeakMap<RowRecord, RowRecord>();
  writer.onDurable = (records) => {
    for (const record of records) {
      if (record.type !== 'row' || record.status === 'pending') continue;
      const original = corrected.get(record);
      if (original) {
        summary.reclassify(original, record);
        continue;
      }
      summary.add(record);
      campaign.add(record);
      const counts = tallies.get(record);
      if (counts) summary.addTally(counts);
    }
  };
  return {
    writer,
    summary,
    campaign,
    tally: (record, counts) => tallies.set(record, counts),
    corrects: (fixed, original) => corrected.set(fixed, original),
  };
}
