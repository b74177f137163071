/**
 * A scriptable HTTP receiver on 127.0.0.1 for tests: records every request (body, headers, time)
 * and counts TCP connections; a handler decides each answer.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** One request as the sink saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingMessage['headers'];
  readonly body: string;
  readonly at: number;
  /** 1-based count of requests so far. */
  readonly n: number;
}

/** Decides the answer: return a status (and headers/body), or 'reset' to destroy the socket. */
export type Handler = (request: SeenRequest) => { status: number; headers?: Record<string, string>; body?: string } | 'reset' | Promise<{ status: number; headers?: Record<string, string>; body?: string } | 'reset'>;

/** A running sink. */
export interface Sink {
  readonly url: string;
  readonly requests: SeenRequest[];
  /** TCP connections accepted so far. */
  connections(): number;
  /** Bodies of requests answered 2xx, by Idempotency-Key. */
  readonly delivered: Map<string, string[]>;
  close(): Promise<void>;
}

/** Start a sink; the default handler answers 200. */
export async function startSink(handler: Handler = () => ({ status: 200 })): Promise<Sink> {
  const requests: SeenRequest[] = [];
  const delivered = new Map<string, string[]>();
  const sockets = new Set<Socket>();
  let connections = 0;
  const server: Server = createServer({ keepAliveTimeout: 60_000 }, (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const seen: SeenRequest = { method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), n: requests.length + 1 };
      requests.push(seen);
      void Promise.resolve(handler(seen)).then((answer) => {
        if (answer === 'reset') {
          req.socket.destroy();
          return;
        }
        if (answer.status >= 200 && answer.status < 300) {
          const key = String(req.headers['idempotency-key'] ?? '');
          delivered.set(key, [...(delivered.get(key) ?? []), seen.body]);
        }
        res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
        res.end(answer.body ?? '{}');
      });
    });
  });
  server.on('connection', (socket: Socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    connections: () => connections,
    delivered,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
