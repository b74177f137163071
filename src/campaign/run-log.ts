/**
 * The result log of one run, opened with its run record first, and the summary folded from what
 * reaches it (not from what was queued: after a write failure the summary still tells the log's
 * truth). A local run and a run through Redis workers write the same log this way.
 */
import { randomUUID } from 'node:crypto';
import { LogWriter } from '../results/log-writer.js';
import { RECORD_VERSION, type RowRecord, type RunRecord } from '../results/record.js';
import { SummaryFold } from '../report/summary.js';
import { VERSION } from '../version.js';
import { recordedSettings, type RunSettings } from './settings.js';

/** What a run record says of its run. */
export interface RunIdentity {
  readonly settings: RunSettings;
  readonly command: 'send' | 'retry';
  /** Absolute input path, '-' for stdin, or null (retry). */
  readonly input: string | null;
  readonly campaign: string;
  readonly logPath: string;
  /** Whether the log's last line is complete (false: start on a fresh line). */
  readonly logEndsWithNewline: boolean;
}

/** An open run log and its summary. */
export interface RunLog {
  readonly writer: LogWriter;
  readonly summary: SummaryFold;
  /** Count a sent record's messages and billed segments once it reaches the log. */
  tally(record: RowRecord, counts: Readonly<Record<string, number>>): void;
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
  const writer = LogWriter.open(run.logPath, { endsWithNewline: run.logEndsWithNewline, first: runRecord(run, nowMs) });
  const summary = new SummaryFold();
  const tallies = new WeakMap<RowRecord, Readonly<Record<string, number>>>();
  writer.onDurable = (records) => {
    for (const record of records) {
      if (record.type !== 'row' || record.status === 'pending') continue;
      summary.add(record);
      const counts = tallies.get(record);
      if (counts) summary.addTally(counts);
    }
  };
  return { writer, summary, tally: (record, counts) => tallies.set(record, counts) };
}
