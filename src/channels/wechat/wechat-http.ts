/**
 * One JSON POST to WeChat over a keep-alive pool, turning HTTP-level trouble into a SendResult.
 * The access token travels in the path's query string, so nothing here quotes the path.
 */
import type { Pool } from 'undici';
import type { SendResult } from '../channel.js';
import { networkErrorResult } from '../http/network-error.js';
import type { WechatAnswer } from './errcodes.js';

/** WeChat's parsed answer, or a classified failure below it. */
export type HttpAnswer = { readonly ok: true; readonly answer: WechatAnswer } | { readonly ok: false; readonly result: SendResult };

function httpStatusResult(status: number, host: string): SendResult {
  const code = String(status);
  if (status === 429) return { outcome: 'throttled', code, detail: `${host} answered HTTP 429 Too Many Requests`, scope: 'channel' };
  if (status >= 500) {
    // A gateway error may come after WeChat took the request: the outcome is unknown.
    return { outcome: 'retryable', code, detail: `${host} answered HTTP ${status}`, unknown: true };
  }
  return { outcome: 'fatal', code, detail: `${host} answered HTTP ${status}: check HERALD_WECHAT_ENDPOINT` };
}

/** POST `body` (JSON) to `path` and parse WeChat's JSON answer; never throws. */
export async function postJson(pool: Pool, path: string, body: string, signal: AbortSignal, host: string): Promise<HttpAnswer> {
  try {
    const response = await pool.request({
      method: 'POST',
      path,
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body,
      signal,
    });
    const text = await response.body.text();
    if (response.statusCode !== 200) return { ok: false, result: httpStatusResult(response.statusCode, host) };
    try {
      const answer: unknown = JSON.parse(text);
      if (answer !== null && typeof answer === 'object') return { ok: true, answer: answer as WechatAnswer };
    } catch {
      // Fall through: not JSON.
    }
    return {
      ok: false,
      result: { outcome: 'retryable', code: '200', detail: `${host} answered something that is not WeChat's JSON`, unknown: true },
    };
  } catch (error) {
    return { ok: false, result: networkErrorResult(error, host, signal.aborted) };
  }
}
