/**
 * The HTTP plumbing the SMS simulators share: listen on 127.0.0.1, count connections (in all and
 * at most open at once), delay answers with timers that closing clears, and close everything.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Connection counters a simulator exposes to tests. */
export interface ConnectionCounters {
  connections: number;
  maxOpenConnections: number;
}

/** A listening simulator server. */
export interface LoopbackServer {
  readonly url: string;
  /** Clear pending delayed answers, destroy every connection (hung requests included), stop listening. */
  close(): Promise<void>;
}

/** Delayed answers, cleared when the simulator closes. */
export class Delays {
  private readonly timers = new Set<NodeJS.Timeout>();

  /** Run `fn` after `ms` (at once when `ms` ≤ 0), unless cleared first. */
  later(ms: number, fn: () => void): void {
    if (ms <= 0) return fn();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }

  /** Cancel every pending call. */
  clear(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/** Read a request body as UTF-8 text. */
export function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** Add one to a counter table. */
export function bump(table: Record<string, number>, key: string): void {
  table[key] = (table[key] ?? 0) + 1;
}

/** `name n, name n` of a counter table, or `none`. */
export function listCounts(table: Readonly<Record<string, number>>): string {
  return Object.entries(table).map(([name, n]) => `${name} ${n}`).join(', ') || 'none';
}

/** Listen on 127.0.0.1:`port` (0: any free port); a handler's rejection is logged and answered 500. */
export async function listenLoopback(
  port: number,
  counters: ConnectionCounters,
  delays: Delays,
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  log: (line: string) => void,
): Promise<LoopbackServer> {
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      log(`request failed: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  // Longer than clients keep idle connections, so the server never closes one under a request.
  server.keepAliveTimeout = 65_000;
  server.on('connection', (socket: Socket) => {
    counters.connections++;
    sockets.add(socket);
    counters.maxOpenConnections = Math.max(counters.maxOpenConnections, sockets.size);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      delays.clear();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
