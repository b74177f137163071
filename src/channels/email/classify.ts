/**
 * Classification of SMTP answers (nodemailer's `responseCode`, `code`, `command`) into herald's
 * outcomes: 2xx ok; 421, enhanced 4.7.x and the large providers' deferrals (deferrals.ts)
 * throttled; other 4xx retryable; 5xx permanent for the recipient, except authentication (530,
 * 534, 535, 5.7.8), a refused sender and a relay refusing to relay, which are fatal;
 * lost connections and timeouts retryable, with an unknown outcome once the message may have
 * been written (the Message-ID lets receivers drop the copy).
 */
import type { SendResult } from '../channel.js';
import { knownDeferral } from './deferrals.js';

/** The server herald talks to, for messages (never a password). */
export interface SmtpTarget {
  /** `host:port`. */
  readonly label: string;
  readonly user: string | null;
}

/** The fields of a nodemailer error that classification reads. */
interface SmtpError {
  readonly code?: string;
  readonly originalCode?: string;
  readonly responseCode?: number;
  readonly response?: string;
  readonly command?: string;
  readonly timeoutType?: string;
  readonly message?: string;
}

/** System codes meaning the connection never opened: nothing was sent. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN', 'EHOSTDOWN', 'EAI_AGAIN']);
/** nodemailer timeouts that end before the session starts. */
const SETUP_TIMEOUTS = new Set(['CONNECT_TIMEOUT', 'GREETING_TIMEOUT']);
/** Authentication replies: the credentials (or their absence) are wrong for every message. */
const AUTH_CODES = new Set([530, 534, 535]);
const ENHANCED = /^\d{3}[ -](\d\.\d{1,3}\.\d{1,3})\b/;
/** A relay that refuses to pass mail on for this client: a missing (or wrong) login, not the recipient. */
const RELAY_DENIED = /relay(?:ing)? (?:access )?denied|unable to relay|relay(?:ing)? not (?:permitted|allowed)/i;
/** TLS failures a certificate or server setup causes (nodemailer reports them as ESOCKET). */
const TLS_FAILURE = /CERT|SELF_SIGNED|ERR_SSL|ERR_TLS|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;
const MAX_DETAIL = 200;

function asSmtpError(error: unknown): SmtpError {
  return error !== null && typeof error === 'object' ? (error as SmtpError) : { message: String(error) };
}

/** The server's reply as one short line. */
function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > MAX_DETAIL ? `${line.slice(0, MAX_DETAIL)}…` : line;
}

/** The enhanced status code of a reply (`5.7.8`), or null. */
export function enhancedCode(response: string | undefined): string | null {
  return response ? (ENHANCED.exec(response)?.[1] ?? null) : null;
}

function isAuthFailure(error: SmtpError, enhanced: string | null): boolean {
  const code = error.responseCode ?? 0;
  if (error.code === 'ENOAUTH') return true;
  if (error.code === 'EAUTH') return code < 400 || code >= 500;
  return AUTH_CODES.has(code) || enhanced === '5.7.8';
}

function authResult(error: SmtpError, target: SmtpTarget): SendResult {
  const code = error.responseCode ? String(error.responseCode) : (error.code ?? 'EAUTH');
  const reply = error.response ? ` (${oneLine(error.response)})` : '';
  if (target.user === null) {
    return {
      outcome: 'fatal',
      code,
      detail: `${target.label} requires authentication${reply}: put the user and password in HERALD_SMTP_URL (smtp://user:password@host:587)`,
    };
  }
  return {
    outcome: 'fatal',
    code,
    detail: `authentication failed for ${target.user} at ${target.label}${reply}: check the user and password in HERALD_SMTP_URL`,
  };
}

function tlsResult(error: SmtpError, target: SmtpTarget): SendResult {
  const code = error.originalCode ?? error.code ?? 'ETLS';
  if (error.code === 'ETLS' && error.command === 'STARTTLS') {
    return {
      outcome: 'fatal',
      code,
      detail: `${target.label} does not offer STARTTLS, and herald never sends a password unencrypted: use the server's TLS port (smtps://host:465) or its submission port (587)`,
    };
  }
  return {
    outcome: 'fatal',
    code,
    detail: `TLS with ${target.label} failed (${code}: ${oneLine(error.message ?? '')}): check HERALD_SMTP_URL, fix the server's certificate, or pass --insecure-tls for a test server`,
  };
}

/** Classify an SMTP reply code with its response line. */
function replyResult(error: SmtpError, target: SmtpTarget): SendResult {
  const status = error.responseCode!;
  const code = String(status);
  const detail = oneLine(error.response ?? error.message ?? code);
  const enhanced = enhancedCode(error.response);
  const deferral = knownDeferral(status, enhanced, detail);
  if (deferral?.outcome === 'fatal') return { outcome: 'fatal', code, detail: `${deferral.provider}: ${deferral.meaning} (${detail})` };
  if (deferral !== null) return { outcome: 'throttled', code, detail: `${deferral.provider} asks to slow down, ${deferral.meaning} (${detail})`, scope: 'channel' };
  if (status === 421 || enhanced?.startsWith('4.7.')) return { outcome: 'throttled', code, detail, scope: 'channel' };
  if (status >= 400 && status < 500) return { outcome: 'retryable', code, detail };
  // 503 (bad sequence of commands) is the session's state, not the message: a new session may take it.
  if (status === 503) return { outcome: 'retryable', code, detail };
  if (status >= 500 && RELAY_DENIED.test(detail)) {
    const fix = target.user === null
      ? 'it relays only for logged-in senders: set the SMTP user and password in HERALD_SMTP_URL (smtp://user:password@host:587)'
      : `check that ${target.user} may send through it (the user and password in HERALD_SMTP_URL)`;
    return { outcome: 'fatal', code, detail: `${target.label} refused to relay (${detail}): ${fix}` };
  }
  if (status >= 500 && error.command === 'MAIL FROM' && status !== 552) {
    return { outcome: 'fatal', code, detail: `${target.label} refused the sender (${detail}): check the template's From and that the account may send as it` };
  }
  if (status >= 500) return { outcome: 'permanent', code, detail };
  return { outcome: 'retryable', code, detail, unknown: true };
}

/** True when the error says the connection never opened (refused, unreachable, no greeting in time). */
export function isUnreachable(raw: unknown): boolean {
  const error = asSmtpError(raw);
  return NOT_CONNECTED.has(error.originalCode ?? error.code ?? '') || SETUP_TIMEOUTS.has(error.timeoutType ?? '');
}

/** Classify an error nodemailer gave for one message sent to `target`. */
export function classifySmtpError(raw: unknown, target: SmtpTarget): SendResult {
  const error = asSmtpError(raw);
  const enhanced = enhancedCode(error.response);
  if (isAuthFailure(error, enhanced)) return authResult(error, target);
  if (error.code === 'ETLS' || TLS_FAILURE.test(error.originalCode ?? '')) return tlsResult(error, target);
  if (error.code === 'EDNS' && error.originalCode !== 'EAI_AGAIN') {
    const code = error.originalCode ?? 'EDNS';
    return { outcome: 'fatal', code, detail: `cannot resolve ${target.label} (${code}: no such host): check the host in HERALD_SMTP_URL` };
  }
  if (error.responseCode !== undefined && error.responseCode >= 400) return replyResult(error, target);
  if (error.code === 'ECONNECTION' && error.command === undefined) {
    // nodemailer's pool reports a reused connection the server closed before a byte of the message
    // went out (a 421 at MAIL FROM, a dropped connection) this way, without the server's reply.
    const detail = `${target.label} closed a connection before the message went out (servers do this to slow senders down)`;
    return { outcome: 'throttled', code: 'ECONNECTION', detail, scope: 'channel' };
  }
  const code = error.originalCode ?? error.code ?? 'ERROR';
  if (isUnreachable(error)) {
    return { outcome: 'retryable', code, detail: `cannot connect to ${target.label} (${code})` };
  }
  if (error.code === 'ESTREAM' || error.code === 'EFILEACCESS' || code === 'ENOENT') {
    return { outcome: 'permanent', code, detail: `cannot read the message's attachment: ${oneLine(error.message ?? '')}` };
  }
  if (error.code === 'EMESSAGE' || error.code === 'EMAXRECIPIENTS') {
    return { outcome: 'permanent', code, detail: oneLine(error.message ?? code) };
  }
  // The connection failed mid-session: the message may have been written before it did.
  return { outcome: 'retryable', code, detail: `connection to ${target.label} lost before an answer (${code})`, unknown: true };
}

/** The parts of nodemailer's answer for an accepted message that classification reads. */
export interface SmtpInfo {
  readonly response?: string;
  readonly rejected?: readonly unknown[];
  readonly rejectedErrors?: readonly unknown[];
}

/**
 * Classify nodemailer's answer for a message the server took for at least one recipient: the
 * row is `ok` unless its own recipient (`to`) was among those refused.
 */
export function classifyAccepted(info: SmtpInfo, to: string, target: SmtpTarget, messageId: string): SendResult {
  const wanted = to.toLowerCase();
  const refused = (info.rejectedErrors ?? []).find((error) => {
    const recipient = asSmtpError(error) as { recipient?: unknown };
    return typeof recipient.recipient === 'string' && recipient.recipient.toLowerCase() === wanted;
  });
  if (refused !== undefined) return classifySmtpError(refused, target);
  const status = /^\d{3}/.exec(info.response ?? '')?.[0] ?? '250';
  return { outcome: 'ok', code: status, messageId };
}
