/** The result log on disk: group-committed writer, reader (torn lines), fold, lock. */
import { existsSync, readFileSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { LogWriter } from '../../src/results/log-writer.js';
import { foldLog } from '../../src/results/log-state.js';
import { lockLog } from '../../src/results/log-lock.js';
import { rowRecord } from '../../src/results/row-record.js';
import type { RowRecord, RunRecord } from '../../src/results/record.js';
import { tempDir } from '../helpers/cli.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir()));
afterEach(() => cleanup());

function row(key: string | null, status: RowRecord['status'], extra: Partial<RowRecord> = {}): RowRecord {
  const at = new Date('2026-01-01T00:00:01.000Z');
  return { ...rowRecord({ key, status, line: Number(key?.slice(1) ?? 0) + 1, row: { id: key } }, at), ...extra };
}

/** A run record to open a log with. */
const RUN: RunRecord = { type: 'run', v: 1, at: '2026-01-01T00:00:00.000Z', herald: '0', runId: 'r', campaign: 'c', command: 'send', channel: 'webhook', input: null, settings: {} };

describe('LogWriter', () => {
  it('groups records appended while a write is in progress, and commit() resolves once they are on disk', async () => {
    const path = join(dir, 'log.jsonl');
    const writer = LogWriter.open(path, { endsWithNewline: true, first: RUN });
    const commits: Promise<void>[] = [];
    for (let i = 0; i < 100; i++) {
      writer.append(row(`k${i}`, 'pending'));
      commits.push(writer.commit());
    }
    await commits[0];
    expect(readFileSync(path, 'utf8')).toContain('"key":"k0"');
    await Promise.all(commits);
    expect(readFileSync(path, 'utf8').trim().split('\n')).toHaveLength(101);
    await writer.close();
  });
  it('creates a new log holding its run record, never an empty file', async () => {
    const path = join(dir, 'log.jsonl');
    const writer = LogWriter.open(path, { endsWithNewline: true, first: RUN });
    expect(JSON.parse(readFileSync(path, 'utf8'))).toMatchObject({ type: 'run', campaign: 'c' });
    await writer.close();
  });
  it('stops when the log is truncated or replaced under it', async () => {
    const path = join(dir, 'log.jsonl');
    const writer = LogWriter.open(path, { endsWithNewline: true, first: RUN });
    writer.append(row('k1', 'sent'));
    await writer.commit();
    writeFileSync(path, '');
    await new Promise((resolve) => setTimeout(resolve, 300));
    writer.append(row('k2', 'sent'));
    await expect(writer.commit()).rejects.toThrow(/truncated/);
    await writer.close();
    expect(writer.failed?.message).toMatch(/truncated/);
  });
  it('starts on a fresh line after a torn last line, and never truncates', async () => {
    const path = join(dir, 'log.jsonl');
    writeFileSync(path, '{"type":"row","key":"a","status":"sent"}\n{"type":"row","ke');
    const writer = LogWriter.open(path, { endsWithNewline: false, first: RUN });
    writer.append(row('k1', 'sent'));
    await writer.close();
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[0]).toBe('{"type":"row","key":"a","status":"sent"}');
    expect(lines[1]).toBe('{"type":"row","ke');
    expect(JSON.parse(lines[2]!)).toMatchObject({ type: 'run' });
    expect(JSON.parse(lines[3]!)).toMatchObject({ key: 'k1' });
  });
});

describe('foldLog', () => {
  it("keeps each key's last record, not counting skipped ones; key-less and duplicate lines are settled", async () => {
    const path = join(dir, 'log.jsonl');
    const lines = [
      { type: 'run', v: 1, at: '2026-01-01T00:00:00.000Z', herald: '0', runId: 'r', campaign: 'c', command: 'send', channel: 'webhook', input: null, settings: {} },
      row('k1', 'pending'),
      row('k1', 'sent', { at: '2026-01-01T00:00:05.000Z' }),
      row('k1', 'skipped', { class: 'duplicate', line: 9 }),
      row(null, 'invalid', { line: 4 }),
      row('k2', 'failed', { class: 'retryable' }),
    ];
    writeFileSync(path, lines.map((l) => JSON.stringify(l)).join('\n') + '\n{"torn":');
    const state = await foldLog(path);
    expect(state.keys.get('k1')).toMatchObject({ status: 'sent' });
    expect(state.keys.get('k1')!.row).toBeUndefined();
    expect(state.keys.get('k2')).toMatchObject({ status: 'failed', class: 'retryable', row: { id: 'k2' } });
    expect([...state.settledLines].sort()).toEqual([4, 9]);
    expect(state.duplicates).toBe(1);
    expect(state.endsWithNewline).toBe(false);
    expect(state.warnings).toEqual([`${path} line 7: torn last line (a run died while writing it); ignored`]);
    expect(state.spans[0]!.end - state.spans[0]!.start).toBe(5000);
  });
  it('holds states compactly and reads the row, error and idempotency key again from the log, CRLF and multi-byte text included', async () => {
    const path = join(dir, 'log.jsonl');
    const records = [
      RUN,
      row('k1', 'failed', { class: 'permanent', code: '550', error: '550 5.1.1 用户不存在 — no such user', row: { id: 'k1', 名字: '张伟' } }),
      row('k2', 'sent', { latencyMs: 12 }),
      row('k3', 'pending', { idempotencyKey: 'idem-3' }),
      row('k1', 'failed', { class: 'retryable', code: '421', error: 'try later', attempts: 2, row: { id: 'k1', 名字: '张伟' } }),
    ];
    writeFileSync(path, records.map((l) => JSON.stringify(l)).join('\r\n') + '\r\n');
    const state = await foldLog(path);
    expect(state.keys.size).toBe(3);
    expect(state.keys.has('k4')).toBe(false);
    expect(state.keys.get('k4')).toBeUndefined();
    const k1 = state.keys.get('k1')!;
    expect(k1).toMatchObject({ key: 'k1', status: 'failed', class: 'retryable', code: '421', error: 'try later', attempts: 2, row: { id: 'k1', 名字: '张伟' } });
    expect(state.keys.get('k2')).toMatchObject({ key: 'k2', status: 'sent', latencyMs: 12 });
    expect(state.keys.get('k2')!.row).toBeUndefined();
    expect(state.keys.get('k3')).toMatchObject({ status: 'pending', class: null, idempotencyKey: 'idem-3', row: { id: 'k3' } });
    expect([...state.keys.values()].map((s) => s.key)).toEqual(['k1', 'k2', 'k3']);
  });

  it('a 20,000-key log folds to the same states a Map would hold, and a replaced log is refused when read again', async () => {
    const path = join(dir, 'log.jsonl');
    const lines = [JSON.stringify(RUN)];
    const expected = new Map<string, string>();
    for (let i = 0; i < 20_000; i++) {
      const key = `k${i % 15_000}`;
      const status = i % 7 === 0 ? 'failed' : 'sent';
      lines.push(JSON.stringify(row(key, status, { attempts: i, error: status === 'failed' ? `e${i}` : null })));
      expected.set(key, `${status}:${i}`);
    }
    writeFileSync(path, lines.join('\n') + '\n');
    const state = await foldLog(path);
    expect(state.keys.size).toBe(15_000);
    for (const [key, want] of expected) expect(`${state.keys.get(key)!.status}:${state.keys.get(key)!.attempts}`).toBe(want);
    const failed = [...state.keys.values()].find((s) => s.status === 'failed')!;
    expect(failed.error).toBe(`e${failed.attempts}`);
    // The log replaced under a fold still in use: a record read again is refused, not misread.
    const again = await foldLog(path);
    unlinkSync(path);
    writeFileSync(path, 'x'.repeat(100));
    expect(() => [...again.keys.values()].find((s) => s.status === 'failed')!.error).toThrow(/replaced/);
  });

  it('a log rewritten in place or removed after the fold is one clear error when a record is read again, never another key\'s record', async () => {
    const path = join(dir, 'log.jsonl');
    const alice = JSON.stringify(row('k1', 'failed', { class: 'retryable', line: 1, row: { id: 'alice' } }));
    const bobby = JSON.stringify(row('k2', 'failed', { class: 'retryable', line: 1, row: { id: 'bobby' } }));
    writeFileSync(path, [JSON.stringify(RUN), alice, bobby].join('\n') + '\n');
    const state = await foldLog(path);
    // The same file (same inode), the two records swapped: same lengths, other keys at the offsets.
    writeFileSync(path, [JSON.stringify(RUN), bobby, alice].join('\n') + '\n');
    expect(() => state.keys.get('k1')!.row).toThrow(ConfigError);
    expect(() => state.keys.get('k1')!.row).toThrow(/changed while herald was reading it/);
    const again = await foldLog(path);
    unlinkSync(path);
    expect(() => again.keys.get('k1')!.error).toThrow(ConfigError);
  });

  it('a row recorded invalid without a key, then fixed and recorded with its key, counts once', async () => {
    const path = join(dir, 'log.jsonl');
    const records = [RUN, row(null, 'invalid', { line: 3, error: 'record 3 (line 4): no value in the key field' }), row(null, 'invalid', { line: 5, error: 'other' }), row('k2', 'sent', { line: 3 })];
    writeFileSync(path, records.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const state = await foldLog(path);
    expect(state.keylessInvalid).toBe(1);
    expect(state.keylessReasons.map((r) => r.count)).toEqual([1]);
    expect([...state.settledLines]).toEqual([5]);
    expect(state.keys.get('k2')).toMatchObject({ status: 'sent' });
  });

  it('warns about a bad line in the middle and goes on', async () => {
    const path = join(dir, 'log.jsonl');
    writeFileSync(path, `${JSON.stringify(row('k1', 'sent'))}\ngarbage\n${JSON.stringify(row('k2', 'sent'))}\n`);
    const state = await foldLog(path);
    expect(state.keys.size).toBe(2);
    expect(state.warnings).toEqual([`${path} line 2: not a herald record; ignored`]);
  });
});

describe('lockLog', () => {
  it('refuses a second holder naming the process, takes over a stale lock, and releases', () => {
    const path = join(dir, 'log.jsonl');
    const lock = lockLog(path, 'send');
    expect(() => lockLog(path, 'send')).toThrow(new RegExp(`pid ${process.pid}`));
    lock.release();
    expect(existsSync(`${path}.lock`)).toBe(false);
    // A lock left by a process that no longer runs.
    writeFileSync(`${path}.lock`, JSON.stringify({ pid: 2 ** 22 + 17, host: hostname(), start: null, since: 'earlier' }));
    const taken = lockLog(path, 'send');
    expect(JSON.parse(readFileSync(`${path}.lock`, 'utf8'))).toMatchObject({ pid: process.pid });
    taken.release();
    expect(existsSync(`${path}.lock`)).toBe(false);
  });

  it('a symlink to a log (or another spelling of its path) meets the same lock', () => {
    const path = join(dir, 'real.jsonl');
    writeFileSync(path, '');
    symlinkSync(path, join(dir, 'link.jsonl'));
    const lock = lockLog(path, 'send');
    expect(() => lockLog(join(dir, 'link.jsonl'), 'send')).toThrow(new RegExp(`pid ${process.pid}`));
    expect(() => lockLog(join(dir, '.', 'sub', '..', 'real.jsonl'), 'send')).toThrow(new RegExp(`pid ${process.pid}`));
    lock.release();
    // A symlink to a log not written yet locks where the log will be.
    symlinkSync(join(dir, 'later.jsonl'), join(dir, 'dangling.jsonl'));
    const early = lockLog(join(dir, 'dangling.jsonl'), 'send');
    expect(() => lockLog(join(dir, 'later.jsonl'), 'send')).toThrow(new RegExp(`pid ${process.pid}`));
    early.release();
  });
});
