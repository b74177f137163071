// The preflight's one line for an endpoint that cannot be reached, and the connector that lends
// the preflight's connection to the first send (so the check costs no extra connection).
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isUnreachableCode, unreachableFrom, unreachableResult } from '../../src/channels/http/unreachable.js';
import { WARM_KEEP_MS, WarmConnector } from '../../src/channels/http/warm-connector.js';

const TARGET = { url: new URL('https://api.twilio.example'), setting: 'HERALD_TWILIO_ENDPOINT' };

describe('unreachable endpoints', () => {
  it.each([
    // each row: the error code, the one line herald prints
    ['ECONNREFUSED', 'cannot connect to api.twilio.example:443 (ECONNREFUSED: connection refused: nothing listens on that port): check HERALD_TWILIO_ENDPOINT'],
    ['ENOTFOUND', 'cannot resolve api.twilio.example:443 (ENOTFOUND: no such host): check HERALD_TWILIO_ENDPOINT'],
    ['EAI_AGAIN', 'cannot resolve api.twilio.example:443 (EAI_AGAIN: the host name could not be looked up): check HERALD_TWILIO_ENDPOINT'],
    ['UND_ERR_CONNECT_TIMEOUT', 'cannot connect to api.twilio.example:443 (UND_ERR_CONNECT_TIMEOUT: no connection in time): check HERALD_TWILIO_ENDPOINT'],
    ['EHOSTUNREACH', 'cannot connect to api.twilio.example:443 (EHOSTUNREACH: host unreachable): check HERALD_TWILIO_ENDPOINT'],
    // an https URL pointed at a plain-HTTP port
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'cannot connect to api.twilio.example:443 (ERR_SSL_WRONG_VERSION_NUMBER: the port does not speak TLS (is it an http:// URL?)): check HERALD_TWILIO_ENDPOINT'],
    // certificates: the URL, the server, or --insecure-tls for a test server
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'the TLS certificate of api.twilio.example:443 is not trusted (DEPTH_ZERO_SELF_SIGNED_CERT): check HERALD_TWILIO_ENDPOINT, fix the certificate, or pass --insecure-tls for a test server'],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'the TLS certificate of api.twilio.example:443 is not trusted (ERR_TLS_CERT_ALTNAME_INVALID): check HERALD_TWILIO_ENDPOINT, fix the certificate, or pass --insecure-tls for a test server'],
    ['CERT_HAS_EXPIRED', 'the TLS certificate of api.twilio.example:443 is not trusted (CERT_HAS_EXPIRED): check HERALD_TWILIO_ENDPOINT, fix the certificate, or pass --insecure-tls for a test server'],
  ])('%s', (code, detail) => {
    expect(isUnreachableCode(code)).toBe(true);
    expect(unreachableResult(code, TARGET)).toEqual({ outcome: 'fatal', code, detail });
  });

  it('reads the code through causes, names an explicit port, and leaves other failures to the run', () => {
    const nested = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    expect(unreachableFrom(nested, { url: new URL('http://127.0.0.1:8080/x'), setting: '--url' })?.detail).toContain('127.0.0.1:8080 (ECONNREFUSED');
    expect(unreachableFrom(Object.assign(new Error('reset'), { code: 'ECONNRESET' }), TARGET)).toBeNull();
    expect(unreachableFrom(new Error('no code'), TARGET)).toBeNull();
    expect(unreachableResult('DEPTH_ZERO_SELF_SIGNED_CERT', { ...TARGET, insecureTlsFlag: false }).detail).not.toContain('--insecure-tls');
  });
});

describe('the warm connector', () => {
  const closers: (() => void)[] = [];
  afterEach(() => {
    for (const close of closers.splice(0)) close();
  });

  async function listening(): Promise<{ url: URL; accepted: Socket[] }> {
    const accepted: Socket[] = [];
    const server = createServer((socket) => accepted.push(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => {
      for (const socket of accepted) socket.destroy();
      server.close();
    });
    return { url: new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`), accepted };
  }

  function connectThrough(connector: WarmConnector, url: URL): Promise<Socket> {
    return new Promise((resolve, reject) =>
      connector.connect({ hostname: url.hostname, host: url.host, protocol: url.protocol, port: url.port }, (error, socket) => {
        if (error) reject(error);
        else {
          closers.push(() => socket!.destroy());
          resolve(socket!);
        }
      }),
    );
  }

  it('lends the preflight connection to the first send, then connects as usual', async () => {
    const { url, accepted } = await listening();
    const connector = new WarmConnector({ timeout: 1000 });
    expect(await connector.warmUp(url, AbortSignal.timeout(2000))).toBeNull();
    const first = await connectThrough(connector, url);
    const second = await connectThrough(connector, url);
    expect(first).not.toBe(second);
    await new Promise((resolve) => setImmediate(resolve));
    expect(accepted).toHaveLength(2);
  });

  it('closes a warm connection left unused too long, or closed by the server, and connects anew', async () => {
    const { url, accepted } = await listening();
    let now = 0;
    const stale = new WarmConnector({ timeout: 1000 }, () => now);
    await stale.warmUp(url, AbortSignal.timeout(2000));
    now += WARM_KEEP_MS + 1;
    await connectThrough(stale, url);
    expect(accepted).toHaveLength(2);
    expect(accepted[0]!.destroyed || accepted[0]!.readableEnded || (await new Promise((resolve) => accepted[0]!.once('close', () => resolve(true))))).toBeTruthy();

    const dropped = new WarmConnector({ timeout: 1000 }, () => 0);
    await dropped.warmUp(url, AbortSignal.timeout(2000));
    expect(dropped.waiting).toBe(true);
    accepted[2]!.destroy();
    await new Promise<void>((resolve) => {
      const poll = () => (dropped.waiting ? setImmediate(poll) : resolve());
      poll();
    });
    const fresh = await connectThrough(dropped, url);
    expect(fresh.destroyed).toBe(false);
    expect(accepted).toHaveLength(4);
  });

  it('reports a refused connection as the error to classify', async () => {
    const { url } = await listening();
    closers.splice(0).forEach((close) => close());
    const error = await new WarmConnector({ timeout: 1000 }).warmUp(url, AbortSignal.timeout(2000));
    expect((error as { code?: string }).code).toBe('ECONNREFUSED');
  });
});
