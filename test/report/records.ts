/** Builds result-log records for report tests, and writes them as a log file. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A run record at `at` (ISO) with these settings. */
export function runRecord(at: string, options: { command?: 'send' | 'retry'; channel?: string; campaign?: string; settings?: Record<string, unknown> } = {}): Record<string, unknown> {
  const channel = options.channel ?? 'webhook';
  return { type: 'run', v: 1, at, herald: '0.1.0', runId: `run-${at}`, campaign: options.campaign ?? 'c1', command: options.command ?? 'send', channel, input: null, settings: { channel, ...options.settings } };
}

/** A row record; `row` defaults to {id: key}. */
export function rowRecord(key: string | null, status: string, rowClass: string | null, at: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { type: 'row', key, status, class: rowClass, code: null, error: null, attempts: 1, messageId: null, idempotencyKey: null, latencyMs: null, at, line: 1, row: { id: key }, ...extra };
}

/** Write records as a JSONL log in `dir`; returns its path. */
export function writeLog(dir: string, records: readonly Record<string, unknown>[], name = 'log.jsonl'): string {
  const path = join(dir, name);
  writeFileSync(path, records.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return path;
}
