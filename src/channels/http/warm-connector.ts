/**
 * A connector for undici that opens the first connection before the run (the preflight) and hands
 * it to the pool for the first send, so checking that a receiver listens costs no extra
 * connection. The warm socket is handed out only while fresh and open; otherwise it is closed and
 * the pool connects as usual.
 */
import type { Socket } from 'node:net';
import { buildConnector } from 'undici';

/** How long a warm connection waits for the first send before it is closed (servers drop idle ones). */
export const WARM_KEEP_MS = 2_000;

interface Warm {
  readonly key: string;
  readonly socket: Socket;
  readonly at: number;
  open: boolean;
  readonly onGone: () => void;
}

function keyOf(protocol: string, hostname: string, port: string): string {
  return `${protocol}//${hostname}:${port !== '' ? port : protocol === 'https:' ? '443' : '80'}`;
}

/** undici's own connector, plus one connection opened ahead of time. */
export class WarmConnector {
  private readonly base: buildConnector.connector;
  private warm: Warm | null = null;

  constructor(
    options: buildConnector.BuildOptions,
    private readonly now: () => number = Date.now,
  ) {
    this.base = buildConnector(options);
  }

  /** The function undici's pools connect with: the warm socket first, while it is fresh and open. */
  readonly connect: buildConnector.connector = (options, callback) => {
    const warm = this.take(keyOf(options.protocol, options.hostname, options.port));
    // Answered on a later tick, as a fresh connection would be: undici's client is mid-dispatch now.
    if (warm !== null) return void setImmediate(() => callback(null, warm));
    this.base(options, callback);
  };

  /** Connect to `url`'s origin now; resolves with the error when that fails, else null (and keeps the socket). */
  warmUp(url: URL, signal: AbortSignal): Promise<unknown> {
    const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return new Promise((resolve) => {
      const onAbort = () => resolve(Object.assign(new Error('no connection in time'), { code: 'UND_ERR_CONNECT_TIMEOUT' }));
      signal.addEventListener('abort', onAbort, { once: true });
      this.base({ hostname, host: url.host, protocol: url.protocol, port: url.port }, (error, socket) => {
        signal.removeEventListener('abort', onAbort);
        if (error !== null) return resolve(error);
        if (signal.aborted) {
          socket.destroy();
          return;
        }
        this.keep(keyOf(url.protocol, hostname, url.port), socket);
        resolve(null);
      });
    });
  }

  /** Whether a warm connection is open and waiting for the first send. */
  get waiting(): boolean {
    return this.warm !== null && this.warm.open;
  }

  /** Close the warm connection if no send took it. */
  close(): void {
    this.warm?.socket.destroy();
    this.warm = null;
  }

  private keep(key: string, socket: Socket): void {
    this.close();
    const warm: Warm = { key, socket, at: this.now(), open: true, onGone: () => (warm.open = false) };
    socket.once('end', warm.onGone).once('close', warm.onGone);
    this.warm = warm;
  }

  private take(key: string): Socket | null {
    const warm = this.warm;
    if (warm === null || warm.key !== key) return null;
    this.warm = null;
    warm.socket.off('end', warm.onGone).off('close', warm.onGone);
    if (warm.open && !warm.socket.destroyed && this.now() - warm.at <= WARM_KEEP_MS) return warm.socket;
    warm.socket.destroy();
    return null;
  }
}
