/**
 * `herald mock wechat`: the WeChat Official Account API on 127.0.0.1 (stable_token, cgi-bin/token,
 * template send), answering in WeChat's format. Tests start it in-process and read its counters;
 * `GET /herald/stats` and `POST /herald/new-day` do the same over HTTP.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { MockServer } from '../spec.js';
import { readSimConfig, type SimConfig } from './config.js';
import { WechatSimulator, type SimCounters } from './simulator.js';
import { wechatError, type SimAnswer } from './token-issuer.js';

/** Largest request body read (bytes). */
const MAX_BODY_BYTES = 1 << 20;

/** The running simulator, with what tests need beyond MockServer. */
export interface WechatMockServer extends MockServer {
  /** Live counters (read them; do not write). */
  readonly counters: SimCounters;
  /** Messages delivered to one openid so far. */
  deliveredTo(openid: string): number;
  /** A new day: the daily quota is available again. */
  newDay(): void;
  /** Change settings while running (quotas, faults, unsubscribed openids…). */
  configure(changes: Partial<SimConfig>): void;
}

async function readBody(request: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function reply(response: ServerResponse, answer: SimAnswer): void {
  if (response.destroyed) return;
  response.writeHead(answer.status, { 'content-type': 'application/json; encoding=utf-8' });
  response.end(JSON.stringify(answer.body));
}

function parseJson(text: string | null): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text ?? '');
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Start the simulator on 127.0.0.1 (`port` 0: any free port); tests may give it their own clock. */
export async function start(
  options: Readonly<Record<string, unknown>>,
  log: (line: string) => void,
  now: () => number = Date.now,
): Promise<WechatMockServer> {
  const sim = new WechatSimulator(readSimConfig(options));
  const timers = new Set<NodeJS.Timeout>();
  let tokenRequests = 0;

  const later = (ms: number, run: () => void) => {
    if (ms <= 0) return run();
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    timers.add(timer);
  };

  const token = async (request: IncomingMessage, response: ServerResponse, url: URL) => {
    tokenRequests++;
    sim.counters.maxParallelTokenFetches = Math.max(sim.counters.maxParallelTokenFetches, tokenRequests);
    sim.counters.tokenFetches++;
    let answer: SimAnswer;
    if (url.pathname.endsWith('/stable_token')) {
      const body = request.method === 'POST' ? parseJson(await readBody(request)) : null;
      if (request.method !== 'POST') answer = wechatError(43002, 'require POST method');
      else answer = body === null ? wechatError(47001, 'data format error') : sim.tokens.stable(body, now());
    } else {
      answer = sim.tokens.classic(url.searchParams, now());
    }
    if (answer.body['errcode'] !== undefined) {
      sim.counters.tokenRefusals++;
      log(`token refused: ${String(answer.body['errmsg'])}`);
    }
    later(sim.config.tokenDelayMs, () => {
      tokenRequests--;
      reply(response, answer);
    });
  };

  const send = async (request: IncomingMessage, response: ServerResponse, url: URL) => {
    if (request.method !== 'POST') return reply(response, sim.count(wechatError(43002, 'require POST method')));
    const text = await readBody(request);
    if (text === null) return reply(response, sim.count(wechatError(47001, 'data format error')));
    const answer = sim.send(url.searchParams.get('access_token'), text, now());
    const code = answer.body['errcode'];
    if (code === 45009 && sim.counters.deliveredToday === sim.config.dailyQuota) log(`daily quota of ${sim.config.dailyQuota} used up`);
    if (code === 42001 || code === 40001) log(`access token refused (${String(code)})`);
    if (answer.note !== undefined) log(`${String(code)} ${answer.note}`);
    later(answer.delayMs, () => reply(response, answer));
  };

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    let handled: Promise<void> | void = undefined;
    if (path === '/cgi-bin/stable_token' || path === '/cgi-bin/token') handled = token(request, response, url);
    else if (path === '/cgi-bin/message/template/send') handled = send(request, response, url);
    else if (path === '/herald/stats' && request.method === 'GET') handled = reply(response, { status: 200, body: { ...sim.counters } });
    else if (path === '/herald/new-day' && request.method === 'POST') {
      sim.newDay();
      log('a new day: the daily quota is available again');
      handled = reply(response, { status: 200, body: { ok: true } });
    } else {
      response.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
    }
    void Promise.resolve(handled).catch(() => response.destroy());
  });

  let open = 0;
  server.on('connection', (socket) => {
    sim.counters.connections++;
    open++;
    sim.counters.maxOpenConnections = Math.max(sim.counters.maxOpenConnections, open);
    socket.on('close', () => open--);
  });

  const port = sim.config.port;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    env: { HERALD_WECHAT_ENDPOINT: url, WECHAT_APPID: sim.config.appid, WECHAT_APPSECRET: sim.config.secret },
    counters: sim.counters,
    deliveredTo: (openid) => sim.deliveredTo(openid),
    newDay: () => sim.newDay(),
    configure: (changes) => {
      sim.config = { ...sim.config, ...changes };
    },
    stats: () => {
      const c = sim.counters;
      const codes = Object.entries(c.errcodes)
        .map(([code, n]) => `${code}: ${n}`)
        .join(', ');
      return (
        `${c.sends} sends, ${c.deliveries} delivered (${c.deliveredToday} today), ${c.duplicates} duplicates, ` +
        `${c.tokenFetches} token fetches (${c.tokenRefusals} refused), ${c.delayed} delayed answers, ${c.connections} connections; errcodes: ${codes || 'none'}`
      );
    },
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
