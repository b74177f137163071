/**
 * The webhook's secrets and targets as a user meets them: a receiver that echoes the request never
 * puts a token in the log, on the terminal or in --json; a `${VAR}` value is never a template; rows
 * choose no host unless the user says so.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runHerald } from '../helpers/cli.js';
import { lastByKey, writeCsv } from '../helpers/files.js';
import { useWorkspace } from '../helpers/workspace.js';

const ws = useWorkspace();

/** A CSV in the workspace from its lines (header first); returns its path. */
function csvFile(...lines: string[]): string {
  const path = join(ws.dir, 'rows.csv');
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

describe('secrets in answers', () => {
  it('a receiver echoing the request gets its token and key redacted from the log, stderr and --json', async () => {
    // The request as the receiver saw it, JSON-escaped: the token's quote becomes \", the key stays percent-encoded.
    const sink = await ws.startSink((request) => {
      const echo = JSON.stringify({ path: request.path, authorization: request.headers.authorization, login: request.headers['x-login'] });
      return { status: request.n === 1 ? 400 : 401, body: `rejected ${echo}` };
    });
    const csv = writeCsv(ws.dir, 3);
    const env = { HOOK_TOKEN: 's3cr3t/tok+en"42', API_KEY: 'k3y with space', HOOK_LOGIN: Buffer.from('ann:pa55word').toString('base64') };
    const result = await runHerald(
      ['send', csv, '--channel', 'webhook', '--url', `${sink.url}?key=\${API_KEY}`, '--header', 'Authorization: Bearer ${HOOK_TOKEN}', '--header', 'X-Login: Basic ${HOOK_LOGIN}', '--concurrency', '1', '--json'],
      { env },
    );
    expect(result.code).toBe(1);
    const log = readFileSync(`${csv}.results.jsonl`, 'utf8');
    const everything = [log, result.stdout, result.stderr].join('\n');
    // The echo arrived in all three places, redacted.
    expect(lastByKey(`${csv}.results.jsonl`).get('k0')).toMatchObject({ status: 'failed', class: 'permanent', code: '400' });
    expect(String(lastByKey(`${csv}.results.jsonl`).get('k0')!.error)).toContain('Bearer [redacted]');
    expect(String(JSON.parse(result.stdout).stopReason)).toContain('Bearer [redacted]');
    expect(result.stderr).toContain('Bearer [redacted]');
    expect(everything).toContain('key=[redacted]');
    for (const form of ['s3cr3t', 'tok+en', 'k3y with space', 'k3y%20with%20space', env.HOOK_LOGIN]) expect(everything).not.toContain(form);
  });
});

describe('${VAR} values are never templates', () => {
  it("TOKEN='xyz{{name}}uvw' goes out as it is in every row's header and URL; a row's '${VAR}' text is not expanded", async () => {
    const sink = await ws.startSink();
    const csv = csvFile('id,name,email', 'k0,Ann,ann@example.com', 'k1,${HOME},bob@example.com', 'k2,Cy,cy@example.com');
    const result = await runHerald(
      ['send', csv, '--channel', 'webhook', '--url', `${sink.url}/\${SEGMENT}/{{id}}`, '--header', 'Authorization: Bearer ${TOKEN}', '--header', 'X-Name: {{name}}', '--quiet'],
      { env: { TOKEN: 'xyz{{name}}uvw', SEGMENT: 'a{{email}}b' } },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(sink.requests).toHaveLength(3);
    for (const request of sink.requests) {
      expect(request.headers.authorization).toBe('Bearer xyz{{name}}uvw');
      expect(request.path).toMatch(/^\/hook\/a%7B%7Bemail%7D%7Db\/k\d$/);
    }
    expect(sink.requests.find((r) => r.path.endsWith('/k1'))!.headers['x-name']).toBe('${HOME}');
    expect(readFileSync(`${csv}.results.jsonl`, 'utf8')).not.toContain('xyz{{name}}uvw');
  });
});

describe('rows choose no host', () => {
  it.each([
    ['the host', 'http://{{host}}/hook'],
    ['the port', 'http://127.0.0.1:{{port}}/hook'],
    ['the whole URL', '{{url}}'],
  ])('a placeholder in %s of --url is refused (exit 2, one line), nothing sent, no log', async (_, url) => {
    const csv = csvFile('id,host,port,url', 'k0,127.0.0.1,80,http://127.0.0.1/');
    const result = await runHerald(['send', csv, '--channel', 'webhook', '--url', url]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toContain('scheme, host or port');
    expect(result.stderr).toContain('path and query');
    expect(result.stderr).toContain('--allow-templated-host');
    expect(existsSync(`${csv}.results.jsonl`)).toBe(false);
  });

  it('--allow-templated-host lets rows choose the port; ${VAR} in the host needs no flag', async () => {
    const sink = await ws.startSink();
    const port = new URL(sink.url).port;
    const csv = csvFile('id,port', `k0,${port}`, `k1,${port}`);
    const allowed = await runHerald(['send', csv, '--channel', 'webhook', '--url', 'http://127.0.0.1:{{port}}/hook/{{id}}', '--allow-templated-host', '--quiet']);
    expect(allowed.code, allowed.stderr).toBe(0);
    const out = join(ws.dir, 'env.results.jsonl');
    const fromEnv = await runHerald(['send', csv, '--channel', 'webhook', '--url', 'http://${SINK_HOST}/hook/{{id}}', '--out', out, '--quiet'], { env: { SINK_HOST: `127.0.0.1:${port}` } });
    expect(fromEnv.code, fromEnv.stderr).toBe(0);
    expect(sink.requests.map((r) => r.path).sort()).toEqual(['/hook/k0', '/hook/k0', '/hook/k1', '/hook/k1']);
  });
});
