// The preflight as a user meets it: an endpoint nobody listens on, or whose certificate is not
// trusted, stops `herald send` before the first row (exit 1) with one line naming host:port, the
// error and the variable or flag to fix, on every channel; an SMTP server that wants a login the
// URL lacks is caught the same way. The built CLI as a process, against 127.0.0.1 only.
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { start as startEmail } from '../../src/mock/email/simulator.js';
import { runHerald } from '../helpers/cli.js';
import { useWorkspace } from '../helpers/workspace.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const ws = useWorkspace();

/** A port on 127.0.0.1 that nothing listens on (taken, then released). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function files(): void {
  writeFileSync(join(ws.dir, 'rows.csv'), 'id,email,phone,openid,name,code\nr1,ann@example.com,+14155550101,oLVPpjqs9BhvzwPj5A-vTYAX3GLc,Ann,1234\n');
  writeFileSync(join(ws.dir, 'note.txt'), 'From: news@shop.example\nSubject: Hi {{name}}\n\nHello {{name}}\n');
}

/** Each channel's arguments and its endpoint variables pointed at `url`. */
function channel(name: string, url: string): { args: string[]; env: Record<string, string> } {
  switch (name) {
    case 'webhook':
      return { args: ['--channel', 'webhook', '--url', `${url}/hook`], env: {} };
    case 'email':
      return { args: ['--channel', 'email', '--template', 'note.txt'], env: { HERALD_SMTP_URL: url.replace('http:', 'smtp:') } };
    case 'aliyun-sms':
      return {
        args: ['--channel', 'aliyun-sms', '--sign-name', '某某商城', '--template-code', 'SMS_123456789', '--to', 'phone'],
        env: { HERALD_ALIYUN_ENDPOINT: url, ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI5tTest', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'test-secret' },
      };
    case 'twilio':
      return {
        args: ['--channel', 'twilio', '--from', '+14155550000', '--template', join(FIXTURES, 'sms/twilio-body.txt')],
        env: { HERALD_TWILIO_ENDPOINT: url, TWILIO_ACCOUNT_SID: `AC${'0'.repeat(31)}1`, TWILIO_AUTH_TOKEN: 'token' },
      };
    default:
      return {
        args: ['--channel', 'wechat', '--template-id', 'TPL_1', '--data', 'thing1=name'],
        env: { HERALD_WECHAT_ENDPOINT: url, WECHAT_APPID: 'wxd0c0ffee00000001', WECHAT_APPSECRET: 'secret' },
      };
  }
}

function herald(args: readonly string[], env: Record<string, string>) {
  const unset = { HERALD_WEBHOOK_URL: undefined, HERALD_SMTP_URL: undefined, HERALD_ALIYUN_ENDPOINT: undefined, HERALD_TWILIO_ENDPOINT: undefined, HERALD_WECHAT_ENDPOINT: undefined };
  return runHerald(['send', 'rows.csv', '--key', 'id', '--json', ...args], { cwd: ws.dir, env: { ...unset, ...env }, timeoutMs: 30_000 });
}

describe('the preflight of every channel', () => {
  it.each([
    // each row: the channel, and the variable or flag its line names
    ['webhook', '--url'],
    ['email', 'HERALD_SMTP_URL'],
    ['aliyun-sms', 'HERALD_ALIYUN_ENDPOINT'],
    ['twilio', 'HERALD_TWILIO_ENDPOINT'],
    ['wechat', 'HERALD_WECHAT_ENDPOINT'],
  ])('%s: nothing listens on the port: exit 1 before any send, one line naming host:port, ECONNREFUSED and %s', async (name, setting) => {
    files();
    const port = await closedPort();
    const { args, env } = channel(name, `http://127.0.0.1:${port}`);
    const run = await herald(args, env);
    expect(run.code, run.stderr).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`127.0.0.1:${port}`);
    expect(lines[0]).toContain('ECONNREFUSED');
    expect(lines[0]).toContain(setting);
    expect(JSON.parse(run.stdout)).toMatchObject({ stopped: 'fatal' });
  });

  it('webhook: names HERALD_WEBHOOK_URL when the URL came from it, and skips the check when a placeholder picks the host', async () => {
    files();
    const port = await closedPort();
    const fromEnv = await herald(['--channel', 'webhook'], { HERALD_WEBHOOK_URL: `http://127.0.0.1:${port}/hook` });
    expect(fromEnv.code).toBe(1);
    expect(fromEnv.stderr).toContain(`cannot connect to 127.0.0.1:${port} (ECONNREFUSED: connection refused: nothing listens on that port): check HERALD_WEBHOOK_URL`);
    writeFileSync(join(ws.dir, 'rows.csv'), `id,port\nr1,${port}\n`);
    const templated = await herald(['--channel', 'webhook', '--url', 'http://127.0.0.1:{{port}}/hook', '--allow-templated-host', '--retries', '0'], {});
    expect(templated.code, templated.stderr).toBe(3);
    expect(JSON.parse(templated.stdout)).toMatchObject({ codes: { ECONNREFUSED: 1 } });
  });

  it('webhook: an untrusted certificate stops the run naming --url and --insecure-tls, which lets it through', async () => {
    files();
    const tls = { key: readFileSync(join(FIXTURES, 'email/tls/localhost.key')), cert: readFileSync(join(FIXTURES, 'email/tls/localhost.crt')) };
    let requests = 0;
    const server = createHttpsServer(tls, (_req, res) => {
      requests++;
      res.writeHead(200).end('{}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    ws.own({ close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const strict = await herald(['--channel', 'webhook', '--url', `${url}/hook`], {});
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(new RegExp(`the TLS certificate of 127\\.0\\.0\\.1:\\d+ is not trusted \\((DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|ERR_TLS_CERT_ALTNAME_INVALID)\\): check --url`));
    expect(strict.stderr).toContain('--insecure-tls');
    expect(requests).toBe(0);
    const relaxed = await herald(['--channel', 'webhook', '--url', `${url}/hook`, '--insecure-tls', '--out', 'relaxed.jsonl'], {});
    expect(relaxed.code, relaxed.stderr).toBe(0);
    expect(requests).toBe(1);
  });

  it('email: a server that wants a login the URL lacks stops the run before any message', async () => {
    files();
    const sim = ws.own(await startEmail({ user: 'news@shop.example', password: 'pw' }, () => undefined));
    const run = await herald(channel('email', '').args, { HERALD_SMTP_URL: sim.url });
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain(`127.0.0.1:${sim.port} requires authentication (530 5.7.0 Authentication required): put the user and password in HERALD_SMTP_URL`);
    expect(sim.counters()).toMatchObject({ messages: 0, connections: 1 });
  });

  it('email: a relay refusing to relay without a login stops at the first answer, and --resume with the login sends every row', async () => {
    writeFileSync(join(ws.dir, 'note.txt'), 'From: news@shop.example\nSubject: Hi {{name}}\n\nHello {{name}}\n');
    writeFileSync(join(ws.dir, 'rows.csv'), `id,email,name\n${Array.from({ length: 30 }, (_, i) => `r${i},u${i}@example.com,N${i}`).join('\n')}\n`);
    const sim = ws.own(await startEmail({ user: 'news@shop.example', password: 'pw', loginForRelay: true }, () => undefined));
    const args = [...channel('email', '').args, '--concurrency', '1'];
    const denied = await herald(args, { HERALD_SMTP_URL: sim.url });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toContain('refused to relay (554 5.7.1 <u0@example.com>: Relay access denied): it relays only for logged-in senders: set the SMTP user and password in HERALD_SMTP_URL');
    expect(sim.counters().relayDenied).toBeLessThanOrEqual(2);
    const resumed = await herald([...args, '--resume'], sim.env);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(sim.counters().messages).toBe(30);
  });
});
