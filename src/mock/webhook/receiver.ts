/**
 * A local webhook receiver on 127.0.0.1: accepts JSON or text requests, honours Idempotency-Key
 * (a key already accepted is answered again without a second delivery), and injects latency,
 * 500s, 429s with Retry-After and reset connections at set rates. Counts everything for tests.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Fault injection and behaviour of the receiver. */
export interface ReceiverOptions {
  readonly port: number;
  /** Answer after a uniformly random delay in [low, high] ms. */
  readonly latencyMs: readonly [number, number];
  readonly failRate: number;
  readonly throttleRate: number;
  readonly resetRate: number;
  readonly retryAfterSeconds: number;
  /** Called with one line per request when set. */
  readonly log?: (line: string) => void;
  readonly random?: () => number;
}

/** What the receiver has seen. */
export interface ReceiverCounters {
  requests: number;
  /** Distinct Idempotency-Keys (or bodies without a key) accepted with 2xx. */
  delivered: number;
  /** Requests for a key already delivered: answered again, not delivered twice. */
  replays: number;
  failed: number;
  throttled: number;
  resets: number;
  connections: number;
  maxOpenConnections: number;
}

/** One accepted delivery, kept for tests and --verbose. */
export interface Delivery {
  readonly key: string | null;
  readonly method: string;
  readonly path: string;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: string;
}

/** A running receiver. */
export class WebhookReceiver {
  readonly counters: ReceiverCounters = {
    requests: 0, delivered: 0, replays: 0, failed: 0, throttled: 0, resets: 0, connections: 0, maxOpenConnections: 0,
  };
  /** Deliveries by Idempotency-Key, in arrival order. */
  readonly deliveries = new Map<string, Delivery>();
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly random: () => number;
  private faultsOn = true;

  constructor(private readonly options: ReceiverOptions) {
    this.random = options.random ?? Math.random;
    this.server = createServer({ keepAliveTimeout: 60_000 }, (req, res) => this.handle(req, res));
    this.server.on('connection', (socket: Socket) => {
      this.counters.connections++;
      this.sockets.add(socket);
      this.counters.maxOpenConnections = Math.max(this.counters.maxOpenConnections, this.sockets.size);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  /** Listen on 127.0.0.1; resolves with the base URL. */
  async listen(): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port, '127.0.0.1', () => resolve());
    });
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Turn fault injection off (or back on): e.g. before `herald retry` in the demo. */
  setFaults(on: boolean): void {
    this.faultsOn = on;
  }

  /** Stop listening and drop open connections. */
  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const [low, high] = this.options.latencyMs;
      const delay = low + (high - low) * this.random();
      const answer = () => this.answer(req, res, Buffer.concat(chunks).toString('utf8'));
      if (delay > 0) setTimeout(answer, delay);
      else answer();
    });
  }

  private answer(req: IncomingMessage, res: ServerResponse, body: string): void {
    const counters = this.counters;
    counters.requests++;
    const header = req.headers['idempotency-key'];
    const key = typeof header === 'string' ? header : null;
    const path = req.url ?? '/';
    const fault = this.faultsOn ? this.pickFault() : null;
    if (fault === 'reset') {
      counters.resets++;
      this.options.log?.(`${req.method} ${path} key=${key ?? '-'} -> connection reset`);
      req.socket.destroy();
      return;
    }
    if (fault === 'throttle') {
      counters.throttled++;
      this.options.log?.(`${req.method} ${path} key=${key ?? '-'} -> 429`);
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(this.options.retryAfterSeconds) });
      res.end('{"error":"too many requests"}');
      return;
    }
    if (fault === 'fail') {
      counters.failed++;
      this.options.log?.(`${req.method} ${path} key=${key ?? '-'} -> 500`);
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end('{"error":"injected failure"}');
      return;
    }
    const known = key !== null && this.deliveries.has(key);
    if (known) {
      counters.replays++;
    } else {
      counters.delivered++;
      const id = key ?? `anon-${counters.delivered}`;
      this.deliveries.set(id, { key, method: req.method ?? 'GET', path, headers: req.headers, body });
    }
    this.options.log?.(`${req.method} ${path} key=${key ?? '-'} -> 200${known ? ' (replayed)' : ''}`);
    res.writeHead(200, { 'content-type': 'application/json', ...(known ? { 'idempotent-replayed': 'true' } : {}) });
    res.end(JSON.stringify({ ok: true, messageId: `msg-${key ?? counters.delivered}` }));
  }

  private pickFault(): 'reset' | 'throttle' | 'fail' | null {
    const roll = this.random();
    const { resetRate, throttleRate, failRate } = this.options;
    if (roll < resetRate) return 'reset';
    if (roll < resetRate + throttleRate) return 'throttle';
    if (roll < resetRate + throttleRate + failRate) return 'fail';
    return null;
  }
}
