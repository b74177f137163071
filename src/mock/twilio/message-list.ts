/**
 * `GET /2010-04-01/Accounts/{Sid}/Messages.json`: the account's messages as Twilio lists them,
 * newest first, filtered by `To`, `From` and `DateSent` (`DateSent>` on or after, `DateSent<` on
 * or before a GMT date or instant), paged with `PageSize` (50 by default, at most 1,000) and the
 * `next_page_uri` Twilio gives (`Page` and a `PageToken` naming the last message of the page).
 */
import { messageResource, twilioError, type AcceptedTwilioMessage, type TwilioAnswer } from './answers.js';

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

/** When a message left the sender's queue, or null while it waits. */
export function sentAt(message: AcceptedTwilioMessage, sendDelayMs: number, nowMs: number): number | null {
  const at = message.acceptedAt + sendDelayMs;
  return nowMs >= at ? at : null;
}

/** A DateSent bound: [from, to) in ms, or null when the value is not a date. */
function dateRange(value: string): [number, number] | null {
  const ms = Date.parse(DATE_ONLY.test(value) ? `${value}T00:00:00Z` : value);
  if (Number.isNaN(ms)) return null;
  return DATE_ONLY.test(value) ? [ms, ms + DAY_MS] : [ms, ms + 1];
}

/** The filter of a list request, or the error Twilio answers for a bad date. */
function filterOf(query: URLSearchParams, sendDelayMs: number, nowMs: number): ((m: AcceptedTwilioMessage) => boolean) | TwilioAnswer {
  const bounds: ((sent: number) => boolean)[] = [];
  for (const [name, keep] of [
    ['DateSent', (range: [number, number]) => (sent: number) => sent >= range[0] && sent < range[1]],
    ['DateSent>', (range: [number, number]) => (sent: number) => sent >= range[0]],
    ['DateSent<', (range: [number, number]) => (sent: number) => sent < range[1]],
  ] as const) {
    const value = query.get(name);
    if (value === null) continue;
    const range = dateRange(value.replace(/^=/, ''));
    if (range === null) return twilioError('20001');
    bounds.push(keep(range));
  }
  const to = query.get('To');
  const from = query.get('From');
  return (m) => {
    if (to !== null && m.to !== to) return false;
    if (from !== null && m.from !== from) return false;
    if (bounds.length === 0) return true;
    const sent = sentAt(m, sendDelayMs, nowMs);
    return sent !== null && bounds.every((bound) => bound(sent));
  };
}

/** Answer one list request. `messages` are in the order they were accepted. */
export function listMessages(
  messages: readonly AcceptedTwilioMessage[],
  path: string,
  query: URLSearchParams,
  sendDelayMs: number,
  nowMs: number,
): TwilioAnswer {
  const size = query.get('PageSize') === null ? DEFAULT_PAGE_SIZE : Number(query.get('PageSize'));
  if (!Number.isInteger(size) || size < 1 || size > MAX_PAGE_SIZE) return twilioError('20001');
  const keep = filterOf(query, sendDelayMs, nowMs);
  if (typeof keep !== 'function') return keep;
  const newestFirst = messages.filter(keep).reverse();
  const token = query.get('PageToken');
  const after = token === null ? -1 : newestFirst.findIndex((m) => `PA${m.sid}` === token);
  const page = Number(query.get('Page') ?? 0);
  const start = token === null ? page * size : after + 1;
  const items = newestFirst.slice(start, start + size);
  const uri = (extra: Record<string, string>) => {
    const params = new URLSearchParams(query);
    for (const name of ['Page', 'PageToken', 'PageSize']) params.delete(name);
    params.set('PageSize', String(size));
    for (const [name, value] of Object.entries(extra)) params.set(name, value);
    return `${path}?${params.toString()}`;
  };
  const last = items[items.length - 1];
  const more = start + size < newestFirst.length && last !== undefined;
  return {
    status: 200,
    body: {
      messages: items.map((m) => messageResource(m, sentAt(m, sendDelayMs, nowMs))),
      start,
      end: start + Math.max(items.length - 1, 0),
      page,
      page_size: size,
      uri: uri({ Page: String(page) }),
      first_page_uri: uri({ Page: '0' }),
      next_page_uri: more ? uri({ Page: String(page + 1), PageToken: `PA${last.sid}` }) : null,
      previous_page_uri: page > 0 ? uri({ Page: String(page - 1) }) : null,
    },
  };
}
