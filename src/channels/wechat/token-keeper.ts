/**
 * The one access token a run shares. However many sends are in flight, at most one fetch runs at
 * a time (single flight); the token is renewed in the background before it expires; a token WeChat
 * rejects is replaced once, and a replacement rejected before it ever worked stops the run.
 */
import type { SendResult } from '../channel.js';
import { repeatedRejection } from './errcodes.js';
import type { AccessToken, TokenAnswer, TokenSource } from './token-client.js';

/** After a background renewal fails, the old token is used this long before trying again. */
const RENEW_RETRY_MS = 5_000;

interface Held {
  readonly token: AccessToken;
  /** Fetched because WeChat rejected the token before it. */
  readonly afterRejection: boolean;
  /** At least one send succeeded with it. */
  proven: boolean;
}

/** Options of a TokenKeeper. */
export interface TokenKeeperOptions {
  readonly source: TokenSource;
  /** Limit for one token fetch (ms). */
  readonly timeoutMs: number;
  readonly now: () => number;
}

const NO_TOKEN_IN_TIME: TokenAnswer = {
  ok: false,
  result: { outcome: 'retryable', code: 'TIMEOUT', detail: 'no access token in time' },
};

/** Resolve with the answer, or with a timeout answer as soon as `signal` aborts. */
function within(answer: Promise<TokenAnswer>, signal: AbortSignal): Promise<TokenAnswer> {
  if (signal.aborted) return Promise.resolve(NO_TOKEN_IN_TIME);
  return new Promise((resolve) => {
    const onAbort = () => resolve(NO_TOKEN_IN_TIME);
    signal.addEventListener('abort', onAbort, { once: true });
    void answer.then((a) => {
      signal.removeEventListener('abort', onAbort);
      resolve(a);
    });
  });
}

/** Holds the run's access token and decides when to fetch another. */
export class TokenKeeper {
  readonly #options: TokenKeeperOptions;
  readonly #closing = new AbortController();
  #held: Held | null = null;
  #inflight: Promise<TokenAnswer> | null = null;
  #fatal: SendResult | null = null;
  #quietUntil = 0;

  constructor(options: TokenKeeperOptions) {
    this.#options = options;
  }

  /** A token to send with now: the held one while valid, else the result of the one fetch in flight. */
  get(signal: AbortSignal): Promise<TokenAnswer> {
    if (this.#fatal !== null) return Promise.resolve({ ok: false, result: this.#fatal });
    const held = this.#held;
    const now = this.#options.now();
    if (held !== null && now < held.token.expiresAt) {
      if (now >= held.token.renewAt && now >= this.#quietUntil) void this.#fetch(null, false);
      return Promise.resolve({ ok: true, token: held.token });
    }
    return within(this.#fetch(null, false), signal);
  }

  /**
   * WeChat rejected `value` (40001/40014/42001): a token to send again with. Many sends rejected
   * together cause one fetch; a replacement rejected before it ever worked is fatal.
   */
  async rejected(value: string, code: string, errmsg: string, signal: AbortSignal): Promise<TokenAnswer> {
    if (this.#inflight !== null) {
      const answer = await within(this.#inflight, signal);
      if (!answer.ok) return answer;
    }
    if (this.#fatal !== null) return { ok: false, result: this.#fatal };
    const held = this.#held;
    if (held !== null && held.token.value !== value) return this.get(signal);
    if (held !== null && held.afterRejection && !held.proven) {
      this.#fatal = repeatedRejection(code, errmsg);
      return { ok: false, result: this.#fatal };
    }
    return within(this.#fetch(value, true), signal);
  }

  /** A send succeeded with `value`: it is a good token. */
  proven(value: string): void {
    if (this.#held !== null && this.#held.token.value === value) this.#held.proven = true;
  }

  /** Abort a fetch in flight; later calls fail. */
  close(): void {
    this.#closing.abort();
  }

  #fetch(rejected: string | null, afterRejection: boolean): Promise<TokenAnswer> {
    if (this.#inflight !== null) return this.#inflight;
    const signal = AbortSignal.any([this.#closing.signal, AbortSignal.timeout(this.#options.timeoutMs)]);
    const inflight = this.#options.source
      .fetch(rejected, signal)
      .catch((error: unknown): TokenAnswer => {
        const detail = `access token fetch failed: ${error instanceof Error ? error.message : String(error)}`;
        return { ok: false, result: { outcome: 'retryable', code: 'TOKEN_ERROR', detail } };
      })
      .then((answer) => {
        this.#inflight = null;
        this.#settle(answer, afterRejection);
        return answer;
      });
    this.#inflight = inflight;
    return inflight;
  }

  #settle(answer: TokenAnswer, afterRejection: boolean): void {
    if (answer.ok) {
      const before = this.#held;
      // stable_token hands back the same token while it is valid: a renewal keeps what we know of it.
      const same = before !== null && before.token.value === answer.token.value && !afterRejection;
      this.#held = same
        ? { token: answer.token, afterRejection: before.afterRejection, proven: before.proven }
        : { token: answer.token, afterRejection, proven: false };
    } else if (answer.result.outcome === 'fatal') {
      this.#fatal = answer.result;
    } else {
      this.#quietUntil = this.#options.now() + RENEW_RETRY_MS;
    }
  }
}
