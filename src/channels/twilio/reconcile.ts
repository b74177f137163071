/**
 * Reconciliation of unknown outcomes through Twilio's message list. Twilio's Messages API takes no
 * idempotency key, so before a row whose send may have reached Twilio is sent again, we list the
 * account's messages to its number since the attempt (`To`, `DateSent>=`, paging) and look for
 * ours by body and sender; then, since a message still waiting in the sender's queue has no
 * date_sent yet, the number's newest messages that are not sent yet.
 */
import type { ReconcileContext, Reconciliation } from '../channel.js';
import { settledLookup } from '../settled-lookup.js';
import type { TwilioMessage } from './channel.js';

/** A message accepted a moment ago may not be listed yet: "not listed" proves absence only this long after the attempt. */
export const RECONCILE_SETTLE_MS = 5_000;
/** Messages per page asked for (Twilio allows up to 1,000). */
const PAGE_SIZE = 100;
/** Pages read at most per listing: a number gets far fewer messages than this in a day. */
const MAX_PAGES = 10;
/** Tolerance between our clock and Twilio's when comparing creation times. */
const CLOCK_SKEW_MS = 2 * 60_000;

/** One entry of the list's `messages`, as far as reconciliation reads it. */
interface ListedMessage {
  readonly sid?: unknown;
  readonly to?: unknown;
  readonly from?: unknown;
  readonly messaging_service_sid?: unknown;
  readonly body?: unknown;
  readonly direction?: unknown;
  readonly date_created?: unknown;
  readonly date_sent?: unknown;
}

/** A page of the list. */
interface ListPage {
  readonly messages?: unknown;
  readonly next_page_uri?: unknown;
}

/** A GET of a path (with query) under the endpoint: the status and the parsed JSON body, or null. */
export type TwilioGet = (pathAndQuery: string, signal: AbortSignal) => Promise<{ readonly status: number; readonly body: unknown }>;

/** What the reconciler needs beyond the message. */
export interface ReconcileScope {
  readonly get: TwilioGet;
  /** `/2010-04-01/Accounts/{Sid}` with the endpoint's path prefix before it. */
  readonly accountPath: string;
  /** The endpoint's path prefix ('' for none), put before Twilio's own `next_page_uri`. */
  readonly prefix: string;
  readonly from: string | null;
  readonly messagingServiceSid: string | null;
}

/** `YYYY-MM-DD` in UTC, as DateSent takes it. */
export function utcDate(at: Date): string {
  return at.toISOString().slice(0, 10);
}

/** Does this listed message belong to our row's attempt? */
function isOurs(listed: ListedMessage, message: TwilioMessage, scope: ReconcileScope, since: number): boolean {
  if (listed.to !== message.to || listed.body !== message.body) return false;
  if (typeof listed.direction === 'string' && !listed.direction.startsWith('outbound')) return false;
  if (scope.messagingServiceSid !== null ? listed.messaging_service_sid !== scope.messagingServiceSid : listed.from !== scope.from) return false;
  const created = typeof listed.date_created === 'string' ? Date.parse(listed.date_created) : Number.NaN;
  return Number.isNaN(created) || created >= since;
}

type Found = { readonly kind: 'found'; readonly sid: string | undefined } | { readonly kind: 'none' } | { readonly kind: 'failed'; readonly detail: string };

/** Walk a listing's pages (newest first) for a match; a page holding only messages older than `since` ends it. */
async function walk(scope: ReconcileScope, first: string, matches: (m: ListedMessage) => boolean, since: number, signal: AbortSignal): Promise<Found> {
  let path: string | null = first;
  for (let page = 0; path !== null && page < MAX_PAGES; page++) {
    let answer;
    try {
      answer = await scope.get(path, signal);
    } catch (error) {
      return { kind: 'failed', detail: `listing messages failed: ${error instanceof Error ? error.message : String(error)}` };
    }
    if (answer.status !== 200 || answer.body === null || typeof answer.body !== 'object') {
      return { kind: 'failed', detail: `listing messages answered HTTP ${answer.status}` };
    }
    const body = answer.body as ListPage;
    const messages = Array.isArray(body.messages) ? (body.messages as ListedMessage[]) : [];
    const found = messages.find(matches);
    if (found !== undefined) return { kind: 'found', sid: typeof found.sid === 'string' ? found.sid : undefined };
    const allOlder = messages.length > 0 && messages.every((m) => typeof m.date_created === 'string' && Date.parse(m.date_created) < since);
    path = !allOlder && typeof body.next_page_uri === 'string' && body.next_page_uri !== '' ? scope.prefix + body.next_page_uri : null;
  }
  return { kind: 'none' };
}

/** One pass: the messages sent to the number since the attempt's date, then its messages not sent yet. */
async function lookUp(scope: ReconcileScope, message: TwilioMessage, ctx: ReconcileContext): Promise<Reconciliation> {
  const since = ctx.attemptedAt.getTime() - CLOCK_SKEW_MS;
  const base = `${scope.accountPath}/Messages.json`;
  const sent = new URLSearchParams({ To: message.to, 'DateSent>': utcDate(new Date(since)), PageSize: String(PAGE_SIZE) });
  const queued = new URLSearchParams({ To: message.to, PageSize: String(PAGE_SIZE) });
  const passes: [string, (m: ListedMessage) => boolean][] = [
    [`${base}?${sent.toString()}`, (m) => isOurs(m, message, scope, since)],
    [`${base}?${queued.toString()}`, (m) => (m.date_sent === null || m.date_sent === undefined) && isOurs(m, message, scope, since)],
  ];
  for (const [path, matches] of passes) {
    const found = await walk(scope, path, matches, since, ctx.signal);
    if (found.kind === 'failed') return { state: 'unknown', detail: found.detail };
    if (found.kind === 'found') {
      const detail = `found in Twilio's message list (${message.to})`;
      return found.sid === undefined ? { state: 'accepted', detail } : { state: 'accepted', messageId: found.sid, detail };
    }
  }
  return { state: 'absent', detail: `not in Twilio's message list (${message.to})` };
}

/**
 * Ask Twilio whether the message of a row whose send had an unknown outcome was accepted. A
 * message not listed while the attempt is younger than the settle time is looked up once more
 * when it is old enough (or is `unknown` when the run stops first).
 */
export function reconcileMessage(scope: ReconcileScope, message: TwilioMessage, ctx: ReconcileContext): Promise<Reconciliation> {
  const tooSoon = "not in Twilio's message list yet, and sent too recently to be sure it is absent";
  return settledLookup(() => lookUp(scope, message, ctx), ctx.attemptedAt, RECONCILE_SETTLE_MS, ctx.signal, tooSoon);
}
