/**
 * The nodemailer pooled transport behind the email channel: at most `--concurrency` connections,
 * each reused for `--max-messages` messages, certificates verified unless `--insecure-tls`, no
 * pacing of its own (herald's pacer paces) and no silent requeues (herald's retry policy retries).
 */
import { isIP } from 'node:net';
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type { SMTPConnectionOptions } from 'nodemailer/lib/smtp-connection';
import type { SMTPPoolOptions, SMTPPoolSentMessageInfo } from 'nodemailer/lib/smtp-pool';
import { mustEncryptLogin, type SmtpEndpoint } from './smtp-url.js';

/** Messages one connection carries before it is replaced, as nodemailer's pool does by default. */
export const DEFAULT_MAX_MESSAGES = 100;

/** The run's settings that shape the connections. */
export interface TransportSettings {
  /** Connections at most (the run's --concurrency). */
  readonly maxConnections: number;
  /** Messages per connection before it is replaced (--max-messages). */
  readonly maxMessages: number;
  /** Limit for connecting and for the server's greeting (the run's --timeout), in ms. */
  readonly timeoutMs: number;
  /** Skip certificate verification (--insecure-tls); the connection stays encrypted. */
  readonly insecureTls: boolean;
  /** The EHLO name (HERALD_SMTP_NAME, or the host name when it has a dot); undefined: nodemailer's. */
  readonly name?: string;
}

/** The pooled transport herald sends through. */
export type SmtpPool = Mail<SMTPPoolSentMessageInfo, SMTPPoolOptions>;

/** Options for one SMTP connection to the endpoint (used by the pool and by the preflight). */
export function connectionOptions(endpoint: SmtpEndpoint, settings: TransportSettings): SMTPConnectionOptions {
  return {
    host: endpoint.host,
    port: endpoint.port,
    secure: endpoint.secure,
    // STARTTLS is used whenever offered; required before a password goes to another machine.
    requireTLS: mustEncryptLogin(endpoint),
    tls: {
      rejectUnauthorized: !settings.insecureTls,
      minVersion: 'TLSv1.2',
      ...(isIP(endpoint.host) === 0 ? { servername: endpoint.host } : {}),
    },
    ...(settings.name !== undefined ? { name: settings.name } : {}),
    connectionTimeout: settings.timeoutMs,
    greetingTimeout: settings.timeoutMs,
    // A connection herald is done with (replaced after --max-messages, or the preflight's) is
    // closed at once rather than left to linger, so it never overlaps the one that replaces it.
    socketCloseTimeout: 0,
    logger: false,
    debug: false,
  };
}

/** Options for nodemailer's pooled transport. */
export function poolOptions(endpoint: SmtpEndpoint, settings: TransportSettings): SMTPPoolOptions {
  return {
    ...connectionOptions(endpoint, settings),
    pool: true,
    maxConnections: settings.maxConnections,
    maxMessages: settings.maxMessages,
    // A message whose connection dropped is not resent behind herald's back: the engine retries it.
    maxRequeues: 0,
    ...(endpoint.user !== null ? { auth: { user: endpoint.user, pass: endpoint.password ?? '' } } : {}),
    disableUrlAccess: true,
  };
}

/** Create the pooled transport; no connection is opened until the first message. */
export function createSmtpPool(endpoint: SmtpEndpoint, settings: TransportSettings): SmtpPool {
  return nodemailer.createTransport({ ...poolOptions(endpoint, settings), pool: true });
}
