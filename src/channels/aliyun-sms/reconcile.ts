/**
 * Reconciliation of unknown outcomes through QuerySendDetails. Aliyun's send APIs are not
 * idempotent, so before a row whose send may have reached Aliyun is sent again, we ask for the
 * messages of its number on the send date (China time) and look for ours by OutId.
 */
import type { ReconcileContext, Reconciliation } from '../channel.js';
import { settledLookup } from '../settled-lookup.js';
import type { AliyunMessage } from './message.js';
import type { AliyunRpcClient } from './rpc-client.js';

/** OutId prefix of SendBatchSms calls (one OutId per call, so it cannot be a row's key). */
export const BATCH_OUT_ID_PREFIX = 'herald-batch-';
/** QuerySendDetails's largest page. */
const PAGE_SIZE = 50;
/** Pages read at most per date: per-number flow control keeps a day's messages far below this. */
const MAX_PAGES = 20;
/** How long after the attempt a message may still be accepted (a slow answer): dates to query. */
const ACCEPTANCE_SPAN_MS = 10 * 60_000;
/** Tolerance between our clock and Aliyun's when comparing a batch message's send time. */
const CLOCK_SKEW_MS = 2 * 60_000;
/** A message accepted a moment ago may not be listed yet: "not listed" is proof of absence only this long after the attempt. */
export const RECONCILE_SETTLE_MS = 2_000;
/** QuerySendDetails looks back 30 days at most. */
const MAX_AGE_MS = 29 * 24 * 3_600_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** One entry of `SmsSendDetailDTOs.SmsSendDetailDTO`. */
interface SendDetail {
  readonly OutId?: unknown;
  readonly TemplateCode?: unknown;
  readonly SendDate?: unknown;
  readonly SendStatus?: unknown;
}

/** `yyyyMMdd` of an instant in China time, as SendDate wants it. */
export function chinaDate(at: Date): string {
  return new Date(at.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10).replace(/-/g, '');
}

/** Milliseconds of a `yyyy-MM-dd HH:mm:ss` China-time date, or NaN. */
function chinaTime(text: unknown): number {
  return typeof text === 'string' ? Date.parse(`${text.replace(' ', 'T')}+08:00`) : Number.NaN;
}

function detailsOf(body: Readonly<Record<string, unknown>> | null): SendDetail[] {
  const wrapper = body?.SmsSendDetailDTOs as { SmsSendDetailDTO?: unknown } | undefined;
  const list = wrapper?.SmsSendDetailDTO;
  return Array.isArray(list) ? (list as SendDetail[]) : [];
}

/** What the reconciler needs beyond the message. */
export interface ReconcileScope {
  readonly client: AliyunRpcClient;
  readonly templateCode: string;
  /** OutIds of batch calls whose outcome was unknown in this run, by row idempotency key. */
  readonly batchOutIds: ReadonlyMap<string, string>;
}

/** Does this listed message belong to our row? */
function isOurs(detail: SendDetail, scope: ReconcileScope, ctx: ReconcileContext): boolean {
  if (detail.OutId === ctx.idempotencyKey) return true;
  const known = scope.batchOutIds.get(ctx.idempotencyKey);
  if (known !== undefined) return detail.OutId === known;
  // A batch of an earlier run: its OutId is the batch's, so match our template sent since the attempt.
  return (
    typeof detail.OutId === 'string' &&
    detail.OutId.startsWith(BATCH_OUT_ID_PREFIX) &&
    detail.TemplateCode === scope.templateCode &&
    chinaTime(detail.SendDate) >= ctx.attemptedAt.getTime() - CLOCK_SKEW_MS
  );
}

/** One pass over the number's listed messages of the dates the attempt may fall on. */
async function lookUp(scope: ReconcileScope, message: AliyunMessage, ctx: ReconcileContext): Promise<Reconciliation> {
  const at = ctx.attemptedAt.getTime();
  const dates = [...new Set([at - ACCEPTANCE_SPAN_MS, at, at + ACCEPTANCE_SPAN_MS].map((ms) => chinaDate(new Date(ms))))];
  for (const date of dates) {
    for (let page = 1; page <= MAX_PAGES; page++) {
      let answer;
      try {
        answer = await scope.client.call(
          'QuerySendDetails',
          { PhoneNumber: message.phone, SendDate: date, PageSize: String(PAGE_SIZE), CurrentPage: String(page) },
          ctx.signal,
        );
      } catch (error) {
        return { state: 'unknown', detail: `QuerySendDetails failed: ${error instanceof Error ? error.message : String(error)}` };
      }
      const code = answer.body?.Code;
      if (code !== 'OK') {
        const said = typeof answer.body?.Message === 'string' ? `: ${answer.body.Message}` : '';
        return { state: 'unknown', detail: `QuerySendDetails answered ${String(code ?? `HTTP ${answer.status}`)}${said}` };
      }
      const details = detailsOf(answer.body);
      if (details.some((d) => isOurs(d, scope, ctx))) {
        return { state: 'accepted', detail: `found by QuerySendDetails (${message.phone}, ${date})` };
      }
      const total = Number(answer.body?.TotalCount ?? 0);
      if (details.length < PAGE_SIZE || page * PAGE_SIZE >= total) break;
    }
  }
  return { state: 'absent', detail: `not listed by QuerySendDetails (${message.phone})` };
}

/**
 * Ask Aliyun whether the message of a row whose send had an unknown outcome was accepted. A
 * message not listed while the attempt is younger than the settle time is looked up once more
 * when it is old enough (or is `unknown` when the run stops first).
 */
export async function reconcileMessage(
  scope: ReconcileScope,
  message: AliyunMessage,
  ctx: ReconcileContext,
  now: Date,
): Promise<Reconciliation> {
  if (now.getTime() - ctx.attemptedAt.getTime() > MAX_AGE_MS) {
    return { state: 'unknown', detail: 'the attempt is older than QuerySendDetails looks back (30 days)' };
  }
  const tooSoon = 'not listed by QuerySendDetails yet, and sent too recently to be sure it is absent';
  return settledLookup(() => lookUp(scope, message, ctx), ctx.attemptedAt, RECONCILE_SETTLE_MS, ctx.signal, tooSoon);
}
