/** Classification of a webhook receiver's HTTP answer (PROVIDERS.md §E and §G). */
import type { SendResult } from '../channel.js';
import { parseRetryAfter } from '../http/retry-after.js';

/** Statuses worth another try with the same Idempotency-Key and body. */
const RETRYABLE = new Set([408, 409, 425, 500, 502, 503, 504]);

/** What the classifier needs from an answer. */
export interface WebhookAnswer {
  readonly status: number;
  readonly retryAfter: string | string[] | undefined;
  /** The start of the body, for the error message. */
  readonly bodySnippet: string;
  /** Where the request went, without its query string (which may hold a secret). */
  readonly target: string;
}

function describe(answer: WebhookAnswer): string {
  const body = answer.bodySnippet.replace(/\s+/g, ' ').trim().slice(0, 200);
  return `${answer.target} answered ${answer.status}${body ? `: ${body}` : ''}`;
}

/** Classify an answer: 2xx ok; 408/409/425/5xx retryable; 429 (and 503 with Retry-After) throttled; 401/403 fatal; other 4xx and 3xx permanent. */
export function classifyAnswer(answer: WebhookAnswer, nowMs: number): SendResult {
  const { status } = answer;
  const code = String(status);
  if (status >= 200 && status < 300) return { outcome: 'ok', code };
  const retryAfterMs = parseRetryAfter(answer.retryAfter, nowMs);
  if (status === 429 || (status === 503 && retryAfterMs !== undefined)) {
    return { outcome: 'throttled', code, detail: describe(answer), scope: 'channel', ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  if (RETRYABLE.has(status) || status >= 500) {
    return { outcome: 'retryable', code, detail: describe(answer), ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  if (status === 401 || status === 403) {
    return {
      outcome: 'fatal',
      code,
      detail: `${describe(answer)} — the receiver refused herald's credentials: check the --header values (e.g. Authorization: Bearer \${TOKEN})`,
    };
  }
  if (status >= 300 && status < 400) return { outcome: 'permanent', code, detail: `${describe(answer)} (redirects are not followed: use the final URL)` };
  return { outcome: 'permanent', code, detail: describe(answer) };
}

/** The message id a receiver may give in a JSON answer (`messageId`, `message_id` or `id`). */
export function messageIdFrom(body: string): string | undefined {
  if (body.length === 0 || body.length > 65_536 || body[0] !== '{') return undefined;
  // Most answers name no id ({"ok":true}): not parsed. A key spelled with escapes is parsed.
  if (!body.includes('id') && !body.includes('Id') && !body.includes('\\')) return undefined;
  try {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const id = parsed.messageId ?? parsed.message_id ?? parsed.id;
    return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
  } catch {
    return undefined;
  }
}
