/**
 * Classification of Twilio Messages API answers: 201 accepted; 429/20429 throttled (Twilio never
 * processed it, safe to retry); 5xx retryable; recipient errors permanent; credential and sender
 * errors fatal, each saying what to fix (PROVIDERS.md §C, §G).
 */
import type { SendResult } from '../channel.js';
import { parseRetryAfter } from '../http/retry-after.js';

/** Twilio's error body: `{code, message, more_info, status}`. */
export interface TwilioError {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly sid?: unknown;
}

/** This recipient cannot receive the message: no retry. */
const PERMANENT: Readonly<Record<string, string>> = {
  '21211': "invalid 'To' number",
  '21610': 'the recipient unsubscribed (replied STOP): never send again unless they opt in',
  '21612': 'Twilio cannot route to this number',
  '21614': "'To' is not a mobile number",
  '21635': "'To' is a landline",
  '21408': "sending to this number's region is not enabled: enable it under Messaging Geographic Permissions",
  '21617': 'the body exceeds 1,600 characters',
  '21602': 'the body is empty',
};

/** Nothing more can succeed until the user fixes this. */
const FATAL: Readonly<Record<string, string>> = {
  '20003': 'Twilio refused the credentials (20003): check TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN',
  '20404': 'Twilio does not know this account (20404): check TWILIO_ACCOUNT_SID and HERALD_TWILIO_ENDPOINT',
  '21606': "the 'From' number cannot send SMS to this destination (21606): check --from",
  '21659': "the 'From' number is not a Twilio number of this account (21659): check --from",
  '21601': "the 'From' number is not SMS-capable (21601): check --from",
  '21212': "the 'From' number is invalid (21212): check --from",
  '14102': "the 'From' number is invalid (14102): check --from",
  '21603': "a 'From' number is required (21603): give --from or --messaging-service-sid",
  '21608': 'trial accounts can only send to verified numbers (21608): verify the numbers or upgrade the account',
  '21705': 'the Messaging Service is invalid (21705): check --messaging-service-sid',
  '21703': 'the Messaging Service has no sender numbers (21703): add numbers to it in the Twilio console',
  '20005': 'the Twilio account is not active (20005): see the Twilio console',
};

/** The From number's queue is full (more than about 10 h of messages): the whole run waits. */
const QUEUE_FULL = '21611';
const QUEUE_FULL_WAIT_MS = 60_000;

function oneLine(value: unknown): string {
  return typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : '';
}

/** Classify one Messages API answer. */
export function classifyTwilio(status: number, body: TwilioError | null, retryAfter: string | string[] | undefined, nowMs: number): SendResult {
  if (status === 201 || status === 200) {
    return typeof body?.sid === 'string' ? { outcome: 'ok', code: String(status), messageId: body.sid } : { outcome: 'ok', code: String(status) };
  }
  const twilioCode = typeof body?.code === 'number' || typeof body?.code === 'string' ? String(body.code) : null;
  const code = twilioCode ?? String(status);
  const message = oneLine(body?.message);
  const said = message === '' ? `HTTP ${status}` : `${message} (${code})`;
  if (status === 429 || code === '20429') {
    const wait = parseRetryAfter(retryAfter, nowMs);
    const result: SendResult = { outcome: 'throttled', scope: 'channel', code, detail: `Twilio asks to slow down: ${said}` };
    return wait === undefined ? result : { ...result, retryAfterMs: wait };
  }
  if (code === QUEUE_FULL) {
    return { outcome: 'throttled', scope: 'channel', code, retryAfterMs: QUEUE_FULL_WAIT_MS, detail: `the sender's queue is full: ${said}` };
  }
  if (status === 401) return { outcome: 'fatal', code, detail: FATAL['20003']! };
  const fatal = FATAL[code];
  if (fatal !== undefined) return { outcome: 'fatal', code, detail: fatal };
  const permanent = PERMANENT[code];
  if (permanent !== undefined) return { outcome: 'permanent', code, detail: `${permanent}: ${said}` };
  // A gateway in front of Twilio answered: Twilio may have created the message.
  if (status === 502 || status === 504) return { outcome: 'retryable', code, detail: said, unknown: true };
  if (status >= 500) return { outcome: 'retryable', code, detail: said };
  if (status === 403) return { outcome: 'fatal', code, detail: `Twilio forbids this request: ${said}` };
  if (status === 404 && twilioCode === null) return { outcome: 'fatal', code, detail: `HTTP 404 without a Twilio answer: check HERALD_TWILIO_ENDPOINT` };
  return { outcome: 'permanent', code, detail: `Twilio refused the message: ${said}` };
}
