/** The result log's lock: what counts as a holder, damaged and foreign locks, modes and leftovers. */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, LogRefusedError } from '../../src/errors.js';
import { parseHolder } from '../../src/results/lock-holder.js';
import { lockLog } from '../../src/results/log-lock.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'herald-lock-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('parseHolder', () => {
  it.each([
    // A holder as herald writes it.
    ['{"pid":12,"host":"h","start":"99","since":"t","command":"send"}', { pid: 12, host: 'h', start: '99', since: 't', command: 'send' }],
    // start may be null (not Linux) or absent.
    ['{"pid":12,"host":"h","since":"t"}', { pid: 12, host: 'h', start: null, since: 't' }],
    // kill(0) and kill(-1) would ask about process groups: no holder.
    ['{"pid":0,"host":"h","since":"t"}', null],
    ['{"pid":-1,"host":"h","since":"t"}', null],
    // Not an integer, not a number, not safe.
    ['{"pid":1.5,"host":"h","since":"t"}', null],
    ['{"pid":"12","host":"h","since":"t"}', null],
    ['{"pid":1e300,"host":"h","since":"t"}', null],
    // Missing or empty host, missing since.
    ['{"pid":12,"since":"t"}', null],
    ['{"pid":12,"host":"","since":"t"}', null],
    ['{"pid":12,"host":"h"}', null],
    // Not an object, torn, empty.
    ['[12,"h","t"]', null],
    ['null', null],
    ['{"pid":12,"ho', null],
    ['', null],
  ])('%s', (text, expected) => {
    expect(parseHolder(text)).toEqual(expected);
  });
});

describe('lockLog', () => {
  const log = () => join(dir, 'log.jsonl');

  it('creates the lock with mode 0600 and leaves only it while held', () => {
    const lock = lockLog(log(), 'send');
    expect(statSync(`${log()}.lock`).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['log.jsonl.lock']);
    lock.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a directory at the lock path is a ConfigError naming it, and is left as it is', () => {
    mkdirSync(`${log()}.lock`);
    writeFileSync(join(`${log()}.lock`, 'inside'), 'x');
    const attempt = () => lockLog(log(), 'send');
    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(`${log()}.lock is a directory`);
    expect(readdirSync(dir)).toEqual(['log.jsonl.lock']);
    expect(readdirSync(`${log()}.lock`)).toEqual(['inside']);
  });

  it('a holder on another host is refused with the holder and the rm that clears it', () => {
    writeFileSync(`${log()}.lock`, JSON.stringify({ pid: 77, host: 'gone-host', start: null, since: '2026-05-01T00:00:00Z' }));
    const attempt = () => lockLog(log(), 'send');
    expect(attempt).toThrow(LogRefusedError);
    expect(attempt).toThrow(/host gone-host \(pid 77, since 2026-05-01T00:00:00Z\).*clear it with: rm .*log\.jsonl\.lock$/);
  });

  it('takes over a lock whose content is no holder, and one whose process is gone', () => {
    for (const content of ['{"pid":0,"host":"h","since":"t"}', 'garbage', JSON.stringify({ pid: 2 ** 22 + 17, host: hostname(), start: null, since: 'earlier' })]) {
      writeFileSync(`${log()}.lock`, content);
      const lock = lockLog(log(), 'retry');
      expect(JSON.parse(readFileSync(`${log()}.lock`, 'utf8'))).toMatchObject({ pid: process.pid, host: hostname(), command: 'retry' });
      expect(readdirSync(dir)).toEqual(['log.jsonl.lock']);
      lock.release();
    }
  });

  it("sweeps temporary files of this host's dead herald processes, never a live one's or another host's", () => {
    const dead = 2 ** 22 + 19;
    const names = [`log.jsonl.lock.${hostname()}.${dead}.stale`, `log.jsonl.lock.${hostname()}.${dead}.tmp`, `log.jsonl.lock.${hostname()}.1.tmp`, `log.jsonl.lock.other-host.${dead}.tmp`];
    for (const name of names) writeFileSync(join(dir, name), '{}');
    const lock = lockLog(log(), 'send');
    expect(readdirSync(dir).sort()).toEqual(['log.jsonl.lock', names[2], names[3]].sort());
    lock.release();
    expect(existsSync(`${log()}.lock`)).toBe(false);
  });
});
