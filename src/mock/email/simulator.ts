/**
 * `herald mock email`: an SMTP server (smtp-server) on 127.0.0.1 that behaves like a submission
 * server: it checks the login when one is required (535 5.7.8 on a wrong password, 530 5.7.0
 * without one), refuses a message without From, Date or Message-ID (554 5.6.0), injects 550,
 * 450, 421, large providers' "slow down" deferrals and greylisting at set rates, counts connections (peak included) and messages, and
 * can write each accepted message to a folder as an .eml file.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Socket } from 'node:net';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { MockServer } from '../spec.js';
import { ConfigError } from '../../errors.js';
import { FaultPlan, type InjectedReply, type PlannedDeferral } from './faults.js';
import { readSimulatorOptions, type SimulatorOptions } from './simulator-options.js';

/** What the simulator has seen so far (for tests and the closing summary). */
export interface EmailSimulatorCounters {
  /** TCP connections accepted in all. */
  connections: number;
  /** Connections open now, and the most open at once. */
  openConnections: number;
  peakConnections: number;
  /** Messages accepted (250 after DATA), and recipients they were accepted for. */
  messages: number;
  recipients: number;
  /** Accepted messages whose Message-ID was seen before (a receiver would drop them). */
  duplicates: number;
  rejected: number;
  deferred: number;
  greylisted: number;
  throttled: number;
  /** Messages answered with a large provider's "slow down" deferral (--defer). */
  slowDowns: number;
  authFailures: number;
  /** Recipients refused 554 5.7.1 Relay access denied for want of a login (--login-for-relay). */
  relayDenied: number;
  /** Messages refused for a missing From, Date or Message-ID. */
  malformed: number;
}

/** One accepted message. */
export interface ReceivedMessage {
  /** 1-based order of acceptance. */
  readonly seq: number;
  readonly mailFrom: string;
  readonly rcptTo: readonly string[];
  readonly messageId: string | null;
  /** The name the client greeted with (EHLO). */
  readonly helo: string;
  readonly size: number;
  /** The .eml file it was written to (with --save), or null. */
  readonly file: string | null;
}

/** A running email simulator. */
export interface EmailSimulator extends MockServer {
  readonly port: number;
  counters(): Readonly<EmailSimulatorCounters>;
  /** Accepted messages, oldest first (the last MAX_KEPT). */
  received(): readonly ReceivedMessage[];
}

const MAX_KEPT = 100_000;
const MAX_SIZE = 25 * 1024 * 1024;
const REQUIRED_HEADERS = ['From', 'Date', 'Message-ID'];
const TLS_DIR = new URL('../../../fixtures/email/tls/', import.meta.url);

function smtpError(code: number, text: string): Error {
  return Object.assign(new Error(text), { responseCode: code });
}

/** The header block of a raw message, unfolded, and the value of one header in it. */
function headerValue(head: string, name: string): string | null {
  const match = new RegExp(`^${name}:[ \\t]*(.*)$`, 'im').exec(head);
  return match ? match[1]!.trim() : null;
}

function readHead(raw: Buffer): string {
  const text = raw.subarray(0, Math.min(raw.length, 64 * 1024)).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  return (end === -1 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
}

function serverOptions(options: SimulatorOptions): SMTPServerOptions {
  const disabled = [...(options.login ? [] : ['AUTH']), ...(options.tls || options.secure ? [] : ['STARTTLS'])];
  const tlsFiles = options.tls || options.secure
    ? { key: readFileSync(new URL('localhost.key', TLS_DIR)), cert: readFileSync(new URL('localhost.crt', TLS_DIR)) }
    : {};
  return {
    name: 'mock.herald.localhost',
    banner: 'herald email simulator',
    secure: options.secure,
    ...tlsFiles,
    disabledCommands: disabled,
    authOptional: options.login === null || options.loginForRelay,
    allowInsecureAuth: true,
    authRequiredMessage: '5.7.0 Authentication required',
    disableReverseLookup: true,
    size: MAX_SIZE,
    rejectOversized: true,
    closeTimeout: 1000,
    logger: false,
  };
}

/** Start the simulator on 127.0.0.1; `log` gets one line per notable event. */
export async function start(raw: Readonly<Record<string, unknown>>, log: (line: string) => void): Promise<EmailSimulator> {
  const options = readSimulatorOptions(raw);
  if (options.saveDir !== null) {
    try {
      mkdirSync(options.saveDir, { recursive: true });
    } catch (error) {
      throw new ConfigError(`--save ${options.saveDir}: cannot create the folder (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const faults = new FaultPlan(options);
  const counters: EmailSimulatorCounters = {
    connections: 0, openConnections: 0, peakConnections: 0, messages: 0, recipients: 0, duplicates: 0,
    rejected: 0, deferred: 0, greylisted: 0, throttled: 0, slowDowns: 0, authFailures: 0, relayDenied: 0, malformed: 0,
  };
  const accepted: ReceivedMessage[] = [];
  /** The deferral planned for each session's current transaction, until it is answered. */
  const planned = new Map<string, PlannedDeferral>();
  const messageIds = new Set<string>();
  let lastSeq = 0;
  const inject = (reply: InjectedReply, callback: (error: Error) => void) => {
    counters[reply.kind]++;
    log(`${reply.code} ${reply.text}`);
    callback(smtpError(reply.code, reply.text));
  };

  const server = new SMTPServer({
    ...serverOptions(options),
    onAuth(auth, _session, callback) {
      const login = options.login;
      if (login && auth.username === login.user && auth.password === login.password) return callback(null, { user: login.user });
      counters.authFailures++;
      log(`535 authentication failed for ${auth.username ?? '(no user)'}`);
      callback(smtpError(535, '5.7.8 Authentication credentials invalid'));
    },
    onMailFrom(_address, session, callback) {
      planned.delete(session.id);
      const reply = faults.atTransaction();
      if (reply) return inject(reply, callback);
      const deferral = faults.deferral();
      if (deferral) planned.set(session.id, deferral);
      callback();
    },
    onRcptTo(address, session, callback) {
      if (options.loginForRelay && !session.user) {
        counters.relayDenied++;
        log(`554 relay access denied for ${address.address} (no login)`);
        return callback(smtpError(554, `5.7.1 <${address.address}>: Relay access denied`));
      }
      const deferral = planned.get(session.id);
      if (deferral?.stage === 'rcpt') {
        planned.delete(session.id);
        return inject(deferral, callback);
      }
      const reply = faults.atRecipient(address.address);
      if (reply) return inject(reply, callback);
      callback();
    },
    onClose(session) {
      planned.delete(session.id);
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const deferral = planned.get(session.id);
        planned.delete(session.id);
        if (deferral !== undefined) return inject(deferral, callback);
        const message = Buffer.concat(chunks);
        const head = readHead(message);
        const missing = REQUIRED_HEADERS.filter((name) => headerValue(head, name) === null);
        if (missing.length > 0) {
          counters.malformed++;
          return callback(smtpError(554, `5.6.0 Message lacks required header ${missing.join(', ')}`));
        }
        const seq = ++lastSeq;
        const messageId = headerValue(head, 'Message-ID');
        const duplicate = messageId !== null && messageIds.has(messageId);
        if (messageId !== null) messageIds.add(messageId);
        const file = options.saveDir !== null ? join(options.saveDir, `${String(seq).padStart(6, '0')}.eml`) : null;
        const helo = typeof session.hostNameAppearsAs === 'string' ? session.hostNameAppearsAs : '';
        const accept = async () => {
          // As a receiving server does, the saved copy starts with a Received line naming the client's EHLO.
          const id = `H${String(seq).padStart(6, '0')}`;
          const received = `Received: from ${helo} ([${session.remoteAddress}])\r\n\tby mock.herald.localhost with ESMTP id ${id};\r\n\t${new Date().toUTCString()}\r\n`;
          if (file !== null) await writeFile(file, Buffer.concat([Buffer.from(received), message]));
          if (duplicate) counters.duplicates++;
          else counters.messages++;
          const rcptTo = session.envelope.rcptTo.map((rcpt) => rcpt.address);
          counters.recipients += rcptTo.length;
          const mailFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
          accepted.push({ seq, mailFrom, rcptTo, messageId, helo, size: message.length, file });
          if (accepted.length > MAX_KEPT) accepted.shift();
          log(`250 ${messageId ?? '(no Message-ID)'} to ${rcptTo.join(', ')}${duplicate ? ' (duplicate)' : ''}`);
          callback(null, `2.0.0 Ok: queued as ${id}`);
        };
        setTimeout(() => void accept().catch((error: unknown) => callback(smtpError(451, `4.3.0 cannot store the message: ${String(error)}`))), options.latencyMs);
      });
    },
  });
  server.on('error', (error) => log(`smtp: ${error.message}`));
  server.server.on('connection', (socket: Socket) => {
    counters.connections++;
    counters.openConnections++;
    counters.peakConnections = Math.max(counters.peakConnections, counters.openConnections);
    // A connection ends for the server when the client's FIN arrives ('end'), not when the
    // socket is torn down later in the event loop.
    let open = true;
    const ended = () => {
      if (open) counters.openConnections--;
      open = false;
    };
    socket.once('end', ended);
    socket.once('close', ended);
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const address = server.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : options.port;
  const scheme = options.secure ? 'smtps' : 'smtp';
  const login = options.login ? `${encodeURIComponent(options.login.user)}:${encodeURIComponent(options.login.password)}@` : '';
  let closed: Promise<void> | null = null;

  return {
    port,
    url: `${scheme}://127.0.0.1:${port}`,
    env: { HERALD_SMTP_URL: `${scheme}://${login}127.0.0.1:${port}` },
    counters: () => ({ ...counters }),
    received: () => accepted,
    stats: () =>
      `connections ${counters.connections} (at most ${counters.peakConnections} at once), messages accepted ${counters.messages} ` +
      `for ${counters.recipients} recipients, duplicates ${counters.duplicates}, refused 550 ${counters.rejected}, ` +
      `deferred 450 ${counters.deferred}, greylisted ${counters.greylisted}, throttled 421 ${counters.throttled}, ` +
      `provider deferrals ${counters.slowDowns}, ` +
      `malformed ${counters.malformed}, failed logins ${counters.authFailures}, relay denied ${counters.relayDenied}`,
    close: () => (closed ??= new Promise<void>((resolve) => server.close(() => resolve()))),
  };
}
