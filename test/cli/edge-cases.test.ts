/** Edge cases a careful user runs into: retry budgets, secrets in URLs, --force then --resume, odd --out values. */
import { createServer } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHerald } from '../helpers/cli.js';
import { lastByKey, readLog, writeCsv } from '../helpers/files.js';
import { useWorkspace } from '../helpers/workspace.js';

const ws = useWorkspace();

describe('edge cases', () => {
  it('herald retry gives every row --retries further attempts in its own run', async () => {
    const sink = await ws.startSink(() => ({ status: 500 }));
    const csv = writeCsv(ws.dir, 3);
    const log = `${csv}.results.jsonl`;
    expect((await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--retries', '1', '--quiet'])).code).toBe(3);
    expect(sink.requests.length).toBe(6);
    expect((await runHerald(['retry', log, '--retries', '2', '--quiet'])).code).toBe(3);
    expect(sink.requests.length).toBe(6 + 9);
    expect(lastByKey(log).get('k0')).toMatchObject({ status: 'failed', attempts: 5 });
  });

  it('when every failure is permanent, the summary suggests herald retry --all, and herald retry without it says why it sends nothing', async () => {
    const sink = await ws.startSink(() => ({ status: 422 }));
    const csv = writeCsv(ws.dir, 3);
    const log = `${csv}.results.jsonl`;
    const run = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--json']);
    expect(run.code).toBe(3);
    expect((JSON.parse(run.stdout) as { retryCommand: string }).retryCommand).toMatch(/^herald retry .*results\.jsonl --all$/);
    expect(run.stderr).toMatch(/next +herald retry .* --all/);
    const retried = await runHerald(['retry', log]);
    expect(retried.code).toBe(0);
    expect(retried.stderr).toContain('its 3 failed rows failed for good (add --all to send them again)');
    expect(sink.requests).toHaveLength(3);
  });

  it('a secret taken into the URL path from the environment appears nowhere', async () => {
    const sink = await ws.startSink(() => ({ status: 401 }));
    const csv = writeCsv(ws.dir, 2);
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', `${sink.url}/\${HOOK_SECRET}`, '--json'], { env: { HOOK_SECRET: 'TOPSECRET123' } });
    expect(result.code).toBe(1);
    expect(sink.requests[0]!.path).toBe('/hook/TOPSECRET123');
    const everything = result.stdout + result.stderr + JSON.stringify(readLog(`${csv}.results.jsonl`));
    expect(everything).not.toContain('TOPSECRET123');
    expect(result.stderr).toContain('${HOOK_SECRET}');
  });

  it('--force starts a new campaign: a --resume of it sends the rows the forced run had not reached', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 10);
    const args = ['send', csv, '--channel', 'webhook', '--url', sink.url, '--quiet'];
    expect((await runHerald(args)).code).toBe(0);
    expect((await runHerald([...args, '--force', '--limit', '3'])).code).toBe(0);
    expect((await runHerald([...args, '--resume'])).code).toBe(0);
    expect(sink.requests.length).toBe(20);
    expect(sink.delivered.size).toBe(20);
    const report = JSON.parse((await runHerald(['report', `${csv}.results.jsonl`, '--json'])).stdout) as { status: Record<string, number>; runs: number };
    expect(report.status).toEqual({ sent: 10 });
    expect(report.runs).toBe(3);
  });

  it('--resume keeps the key of the log: taken from it when not given, refused when different', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 4);
    const args = ['send', csv, '--channel', 'webhook', '--url', sink.url, '--quiet'];
    expect((await runHerald([...args, '--key', 'email', '--limit', '2'])).code).toBe(0);
    const refused = await runHerald([...args, '--key', 'id', '--resume']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('--key email');
    expect((await runHerald([...args, '--resume'])).code).toBe(0);
    expect(sink.requests.length).toBe(4);
    expect([...lastByKey(`${csv}.results.jsonl`).keys()].sort()).toEqual(['user0@example.com', 'user1@example.com', 'user2@example.com', 'user3@example.com']);
  });

  it.each([
    // the log would be the input itself
    ['--out is the input', (csv: string) => ['--out', csv], /is the input file itself/],
    // a folder that does not exist
    ['--out in a missing folder', () => ['--out', '/nonexistent-herald-dir/x.jsonl'], /does not exist/],
    // a zero time limit
    ['--timeout 0', () => ['--timeout', '0'], /--timeout '0'/],
  ])('%s is a one-line error with exit 2', async (_name, extra, pattern) => {
    const csv = writeCsv(ws.dir, 2);
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', 'http://127.0.0.1:9/x', ...extra(csv)]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(pattern);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('herald mock on a port in use is a one-line error with exit 2', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      const result = await runHerald(['mock', 'webhook', '--port', String(port)]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('already in use');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    } finally {
      taken.close();
    }
  });

  it('herald report on a file that is not a log says so in a few lines, not one per line', async () => {
    const csv = writeCsv(ws.dir, 50);
    const result = await runHerald(['report', csv]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(8);
    expect(result.stderr).toContain('holds no herald records');
  });

  it('--resume --dry-run leaves out what the log records as done', async () => {
    const sink = await ws.startSink();
    const csv = writeCsv(ws.dir, 6);
    await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--limit', '4', '--quiet']);
    const dry = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--resume', '--dry-run']);
    expect(dry.code).toBe(0);
    expect(dry.stderr).toContain('would send 2 rows');
    expect(dry.stdout).toContain('key k4');
  });

  it('--env-file supplies secrets; a missing one is a herald error, not a Node one', async () => {
    const sink = await ws.startSink((request) => (request.headers.authorization === 'Bearer from-file' ? { status: 200 } : { status: 401 }));
    const csv = writeCsv(ws.dir, 2);
    const envFile = join(ws.dir, 'secrets.env');
    writeFileSync(envFile, 'HOOK_TOKEN=from-file\n');
    const ok = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--header', 'Authorization: Bearer ${HOOK_TOKEN}', '--env-file', envFile, '--quiet']);
    expect(ok.code).toBe(0);
    const missing = await runHerald(['send', csv, '--channel', 'webhook', '--url', sink.url, '--env-file', join(ws.dir, 'nope.env'), '--out', join(ws.dir, 'o.jsonl')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('--env-file');
  });
});
