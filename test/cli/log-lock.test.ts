/** The result log's lock and file modes, as a user meets them: damaged and foreign locks, and a log only its owner reads. */
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { describe, expect, it } from 'vitest';
import { finished, runHerald, spawnHerald } from '../helpers/cli.js';
import { lastByKey, writeCsv } from '../helpers/files.js';
import { useWorkspace } from '../helpers/workspace.js';

const ws = useWorkspace();

/** The files of the workspace besides the input and its log. */
function leftovers(csv: string): string[] {
  return readdirSync(ws.dir).filter((name) => !csv.endsWith(name) && !name.endsWith('.results.jsonl'));
}

describe('the result log lock', () => {
  it('a lock path that is a directory is one line naming it (exit 2), nothing sent, nothing set aside', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 3);
    const lock = `${csv}.results.jsonl.lock`;
    mkdirSync(lock);
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain(`${lock} is a directory`);
    expect(result.stderr).toContain('remove it');
    expect(result.stderr).not.toMatch(/EISDIR|\n\s+at /);
    expect(sink.requests).toHaveLength(0);
    expect(leftovers(csv)).toEqual([`${csv.split('/').at(-1)}.results.jsonl.lock`]);
    expect(statSync(lock).isDirectory()).toBe(true);
  });

  it('a lock held on another host is refused naming the lock, the holder and how to clear it; after rm the run goes', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 3);
    const lock = `${csv}.results.jsonl.lock`;
    writeFileSync(lock, JSON.stringify({ pid: 4242, host: 'old-container-7f3a', start: null, since: '2026-01-02T03:04:05.000Z', command: 'send' }));
    const refused = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toContain('old-container-7f3a');
    expect(refused.stderr).toContain('pid 4242');
    expect(refused.stderr).toContain('2026-01-02T03:04:05.000Z');
    expect(refused.stderr).toContain(`rm ${lock}`);
    expect(sink.requests).toHaveLength(0);
    const [, command] = /clear it with: (.*)$/m.exec(refused.stderr)!;
    expect(command).toBe(`rm ${lock}`);
    await runShell(command!);
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--quiet']);
    expect(result.code).toBe(0);
    expect(sink.delivered.size).toBe(3);
  });

  // Each of these blocked every run before: a lock whose content is no holder proves nothing
  // (the other shapes of damage are unit-tested in test/unit/log-lock.test.ts).
  it.each([
    ['pid 0', { pid: 0, host: hostname(), start: null, since: 'x' }],
    ['pid -1', { pid: -1, host: hostname(), start: null, since: 'x' }],
    ['no host', { pid: 1, since: 'x' }],
  ])('a corrupt lock (%s) is taken over, and nothing is left beside the log', async (_, content) => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 3);
    writeFileSync(`${csv}.results.jsonl.lock`, typeof content === 'string' ? content : JSON.stringify(content));
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--quiet']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(lastByKey(`${csv}.results.jsonl`).size).toBe(3);
    expect(leftovers(csv)).toEqual([]);
  });
});

describe('the result log holds personal data', () => {
  it('is created with mode 0600, and so is its lock while a run holds it', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let seen!: () => void;
    const first = new Promise<void>((resolve) => (seen = resolve));
    const sink = await ws.startSink(async () => {
      seen();
      await held;
      return { status: 200 };
    });
    const csv = writeCsv(ws.dir, 2);
    const log = `${csv}.results.jsonl`;
    const child = spawnHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--concurrency', '1', '--quiet']);
    const done = finished(child);
    await first;
    expect(statSync(log).mode & 0o777).toBe(0o600);
    expect(statSync(`${log}.lock`).mode & 0o777).toBe(0o600);
    release();
    expect((await done).code).toBe(0);
    expect(leftovers(csv)).toEqual([]);
  });

  it('an existing log keeps its mode', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 4);
    const log = `${csv}.results.jsonl`;
    expect((await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--limit', '2', '--quiet'])).code).toBe(0);
    chmodSync(log, 0o640);
    expect((await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--resume', '--quiet'])).code).toBe(0);
    expect(statSync(log).mode & 0o777).toBe(0o640);
    expect(lastByKey(log).size).toBe(4);
  });
});

async function runShell(command: string): Promise<void> {
  const { execFile } = await import('node:child_process');
  await new Promise<void>((resolve, reject) => execFile('sh', ['-c', command], (error) => (error ? reject(error) : resolve())));
}
