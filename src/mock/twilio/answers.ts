/**
 * Twilio's answers as the simulator writes them: the 201 Message resource in snake_case JSON,
 * and errors as `{code, message, more_info, status}` with the HTTP status Twilio uses.
 */
import { randomBytes } from 'node:crypto';

/** Twilio errors the simulator can answer: HTTP status and Twilio's message. */
const ERRORS: Readonly<Record<string, { readonly status: number; readonly message: string }>> = {
  '20001': { status: 400, message: 'Invalid date value' },
  '20003': { status: 401, message: 'Authenticate' },
  '20404': { status: 404, message: 'The requested resource was not found' },
  '20429': { status: 429, message: 'Too Many Requests' },
  '20500': { status: 500, message: 'An internal server error has occurred' },
  '20503': { status: 503, message: 'Service unavailable' },
  '21211': { status: 400, message: "Invalid 'To' Phone Number" },
  '21408': { status: 400, message: 'Permission to send an SMS has not been enabled for the region indicated by the \'To\' number' },
  '21602': { status: 400, message: 'Message body is required.' },
  '21603': { status: 400, message: "A 'From' phone number is required." },
  '21604': { status: 400, message: "A 'To' phone number is required." },
  '21606': { status: 400, message: "The 'From' phone number provided is not a valid message-capable Twilio phone number for this destination." },
  '21608': { status: 400, message: 'The number is unverified. Trial accounts cannot send messages to unverified numbers.' },
  '21610': { status: 400, message: 'Attempt to send to unsubscribed recipient' },
  '21611': { status: 400, message: "This 'From' number has exceeded the maximum number of queued messages" },
  '21612': { status: 400, message: "The 'To' phone number is not currently reachable via SMS" },
  '21614': { status: 400, message: "'To' number is not a valid mobile number" },
  '21617': { status: 400, message: 'The concatenated message body exceeds the 1600 character limit.' },
  '21635': { status: 400, message: "The 'To' number is a landline" },
  '21705': { status: 400, message: 'Invalid Messaging Service Sid' },
};

/** True when the simulator can answer this code. */
export function knownTwilioCode(code: string): boolean {
  return code in ERRORS;
}

/** An answer ready to write. */
export interface TwilioAnswer {
  readonly status: number;
  readonly body: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, string>>;
}

/** The error answer for a Twilio code. */
export function twilioError(code: string): TwilioAnswer {
  const error = ERRORS[code] ?? { status: 400, message: `Error ${code}` };
  const answer = {
    status: error.status,
    body: { code: Number(code), message: error.message, more_info: `https://www.twilio.com/docs/errors/${code}`, status: error.status },
  };
  return code === '20003' ? { ...answer, headers: { 'www-authenticate': 'Basic realm="Twilio API"' } } : answer;
}

/** A Twilio-style SID: two letters then 32 hex digits. */
export function twilioSid(prefix: string): string {
  return prefix + randomBytes(16).toString('hex');
}

/** What the simulator keeps of an accepted message. */
export interface AcceptedTwilioMessage {
  readonly sid: string;
  readonly accountSid: string;
  readonly to: string;
  readonly from: string | null;
  readonly messagingServiceSid: string | null;
  readonly body: string;
  readonly numSegments: number;
  readonly acceptedAt: number;
}

/** RFC 2822 in GMT, as Twilio writes dates ("Wed, 05 Mar 2026 10:00:00 +0000"). */
function rfc2822(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', '+0000');
}

/**
 * The Message resource as Twilio returns it on creation (201), fetch and list (200): `queued` (or
 * `accepted` through a Messaging Service) with no date_sent until it leaves the sender's queue
 * at `sentAt`, then `sent`.
 */
export function messageResource(m: AcceptedTwilioMessage, sentAt: number | null = null): Record<string, unknown> {
  const date = rfc2822(m.acceptedAt);
  const uri = `/2010-04-01/Accounts/${m.accountSid}/Messages/${m.sid}.json`;
  return {
    account_sid: m.accountSid,
    api_version: '2010-04-01',
    body: m.body,
    date_created: date,
    date_sent: sentAt === null ? null : rfc2822(sentAt),
    date_updated: sentAt === null ? date : rfc2822(sentAt),
    direction: 'outbound-api',
    error_code: null,
    error_message: null,
    from: m.from,
    messaging_service_sid: m.messagingServiceSid,
    num_media: '0',
    num_segments: String(m.numSegments),
    price: null,
    price_unit: 'USD',
    sid: m.sid,
    status: sentAt !== null ? 'sent' : m.messagingServiceSid === null ? 'queued' : 'accepted',
    subresource_uris: { media: uri.replace('.json', '/Media.json') },
    to: m.to,
    uri,
  };
}
