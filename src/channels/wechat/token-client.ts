/**
 * Fetching the Official Account's access token with `POST cgi-bin/stable_token` in normal mode
 * (`force_refresh: false`): WeChat hands every caller the same token while it is valid, so
 * herald never invalidates the token other systems of the same appid are using.
 */
import type { Pool } from 'undici';
import type { SendResult } from '../channel.js';
import { classifyTokenError, errcodeOf } from './errcodes.js';
import { postJson } from './wechat-http.js';

/** An access token and when to stop using it. */
export interface AccessToken {
  readonly value: string;
  /** When WeChat stops accepting it (ms since the epoch). */
  readonly expiresAt: number;
  /** When to fetch again: WeChat hands out the next token in the last 5 minutes. */
  readonly renewAt: number;
}

/** A token, or the classified reason there is none. */
export type TokenAnswer = { readonly ok: true; readonly token: AccessToken } | { readonly ok: false; readonly result: SendResult };

/** Something that hands out access tokens: WeChat itself, or a cache in front of it. */
export interface TokenSource {
  /**
   * Get a token. `rejected` is the token WeChat has just refused (or null), so that a shared cache
   * does not hand it back.
   */
  fetch(rejected: string | null, signal: AbortSignal): Promise<TokenAnswer>;
}

/** WeChat renews a stable token 5 minutes before it expires; herald asks again then. */
const RENEW_BEFORE_MS = 5 * 60_000;

/** The token's timing, given `expires_in` (seconds) counted from `nowMs`. */
export function tokenTimes(value: string, expiresInSeconds: number, nowMs: number): AccessToken {
  const lifeMs = expiresInSeconds * 1000;
  // Renew in the last 5 minutes, but never before half the remaining life is used (short-lived
  // tokens, simulators), so a token is always used for a while before the next fetch.
  return { value, expiresAt: nowMs + lifeMs, renewAt: nowMs + lifeMs - Math.min(RENEW_BEFORE_MS, lifeMs / 2) };
}

/** Credentials and where to send them. */
export interface StableTokenOptions {
  readonly pool: Pool;
  readonly basePath: string;
  readonly host: string;
  readonly appid: string;
  readonly secret: string;
  readonly now: () => number;
}

/** The token source that asks WeChat (`cgi-bin/stable_token`). */
export function stableTokenSource(options: StableTokenOptions): TokenSource {
  const path = `${options.basePath}/cgi-bin/stable_token`;
  const body = JSON.stringify({
    grant_type: 'client_credential',
    appid: options.appid,
    secret: options.secret,
    force_refresh: false,
  });
  return {
    async fetch(_rejected, signal) {
      const reply = await postJson(options.pool, path, body, signal, options.host);
      if (!reply.ok) {
        // No message went out with a token fetch: its failure is never an unknown outcome.
        const { unknown: _unknown, ...result } = reply.result;
        return { ok: false, result };
      }
      const answer = reply.answer;
      if (errcodeOf(answer) !== 0) return { ok: false, result: classifyTokenError(answer, options.now()) };
      const value = answer.access_token;
      const expiresIn = answer.expires_in;
      if (typeof value !== 'string' || value === '' || typeof expiresIn !== 'number' || !(expiresIn > 0)) {
        return {
          ok: false,
          result: { outcome: 'retryable', code: 'NO_TOKEN', detail: `${options.host} answered stable_token without a token` },
        };
      }
      return { ok: true, token: tokenTimes(value, expiresIn, options.now()) };
    },
  };
}
