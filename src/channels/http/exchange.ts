/**
 * One HTTP request and its answer over an undici dispatcher, through undici's low-level dispatch
 * handler: no response stream and no async-hooks resource per request, just the status, the raw
 * headers and the start of the body. This is every HTTP channel's hot path.
 */
import type { Dispatcher } from 'undici';

/** Most body bytes kept from an answer (the rest is read and dropped). */
export const ANSWER_BODY_BYTES = 64 * 1024;

/** An HTTP answer. */
export interface HttpAnswer {
  readonly status: number;
  /** Raw header lines as undici gives them: [name, value, name, value, …]. */
  readonly rawHeaders: readonly Buffer[];
  /** The body as UTF-8 text (at most ANSWER_BODY_BYTES). */
  readonly body: string;
}

/** The request to make. */
export interface HttpExchange {
  readonly origin: string;
  readonly path: string;
  readonly method: Dispatcher.HttpMethod;
  /** Flat [name, value, …] or an object. */
  readonly headers: string[] | Record<string, string>;
  readonly body?: string | Buffer;
}

/** The value of a header in an answer (case-insensitive), or undefined. */
export function answerHeader(answer: HttpAnswer, name: string): string | undefined {
  const raw = answer.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i]!;
    if (key.length === name.length && key.toString('latin1').toLowerCase() === name) return raw[i + 1]!.toString('latin1');
  }
  return undefined;
}

/** The requests in flight under one signal, as a linked list of their handlers. */
interface Watched {
  head: ExchangeHandler | null;
}

/**
 * Requests in flight by the signal that may abort them. Attempts share signals (see
 * attempt-signals.ts), so one listener per signal aborts them all: adding and removing a listener
 * per request cost more than the rest of the request's own bookkeeping.
 */
const inFlight = new WeakMap<AbortSignal, Watched>();

function watchedBy(signal: AbortSignal): Watched {
  let watched = inFlight.get(signal);
  if (!watched) {
    const list: Watched = { head: null };
    watched = list;
    inFlight.set(signal, list);
    signal.addEventListener(
      'abort',
      () => {
        const handlers: ExchangeHandler[] = [];
        for (let handler = list.head; handler !== null; handler = handler.next) handlers.push(handler);
        for (const handler of handlers) handler.aborted(signal.reason as Error);
      },
      { once: true },
    );
  }
  return watched;
}

class ExchangeHandler implements Dispatcher.DispatchHandler {
  private status = 0;
  private rawHeaders: Buffer[] = [];
  private chunks: Buffer[] = [];
  private size = 0;
  private abort: ((reason?: Error) => void) | null = null;
  /** Neighbours among the requests in flight under the same signal. */
  next: ExchangeHandler | null = null;
  private prev: ExchangeHandler | null = null;
  private watched: Watched | null = null;

  constructor(
    private readonly signal: AbortSignal,
    private readonly resolve: (answer: HttpAnswer) => void,
    private readonly reject: (error: Error) => void,
  ) {}

  onConnect(abort: (reason?: Error) => void): void {
    if (this.signal.aborted) {
      abort(this.signal.reason as Error);
      return;
    }
    this.abort = abort;
    if (this.watched) return;
    const watched = watchedBy(this.signal);
    this.watched = watched;
    this.next = watched.head;
    if (watched.head) watched.head.prev = this;
    watched.head = this;
  }

  /** The signal aborted while the request was in flight. */
  aborted(reason: Error): void {
    this.abort?.(reason);
  }

  onHeaders(status: number, rawHeaders: Buffer[]): boolean {
    this.status = status;
    this.rawHeaders = rawHeaders;
    return true;
  }

  onData(chunk: Buffer): boolean {
    if (this.size < ANSWER_BODY_BYTES) this.chunks.push(chunk);
    this.size += chunk.length;
    return true;
  }

  onComplete(): void {
    this.done();
    const body = this.chunks.length === 0 ? '' : this.chunks.length === 1 ? this.chunks[0]!.toString('utf8') : Buffer.concat(this.chunks).toString('utf8');
    this.resolve({ status: this.status, rawHeaders: this.rawHeaders, body: body.length > ANSWER_BODY_BYTES ? body.slice(0, ANSWER_BODY_BYTES) : body });
  }

  onError(error: Error): void {
    this.done();
    this.reject(error);
  }

  private done(): void {
    const watched = this.watched;
    if (watched) {
      if (this.prev) this.prev.next = this.next;
      else watched.head = this.next;
      if (this.next) this.next.prev = this.prev;
      this.watched = null;
    }
    this.abort = null;
  }
}

/** Make the request; rejects with undici's error (or the signal's reason) when no answer came. */
export function exchange(dispatcher: Dispatcher, request: HttpExchange, signal: AbortSignal): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const handler = new ExchangeHandler(signal, resolve, reject);
    try {
      dispatcher.dispatch({ origin: request.origin, path: request.path, method: request.method, headers: request.headers, body: request.body ?? null }, handler);
    } catch (error) {
      reject(error as Error);
    }
  });
}
