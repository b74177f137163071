/**
 * The email channel's preflight: one connection that greets, negotiates TLS and logs in the way
 * the pool will, then says goodbye. A wrong password or a certificate problem is found before
 * any message goes out, and the connection is closed before the pool opens its own. Without a
 * login, it opens a transaction (`MAIL FROM:<>`, then `RSET`: no recipient, no message) to learn
 * whether the server wants one.
 */
import { Socket } from 'node:net';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { SMTPConnectionOptions } from 'nodemailer/lib/smtp-connection';

/** The parts of nodemailer's connection the transaction probe drives (stable for years, not typed). */
interface CommandChannel {
  _sendCommand(command: string): void;
  _responseActions: ((reply: string) => void)[];
}

/** Send one command and resolve with the server's reply line(s). */
function command(connection: SMTPConnection, line: string): Promise<string> {
  const raw = connection as unknown as CommandChannel;
  return new Promise((resolve) => {
    raw._responseActions.push(resolve);
    raw._sendCommand(line);
  });
}

/** A reply saying the server takes no mail before a login (530, or 5.7.0 naming authentication); not one asking for STARTTLS. */
export function wantsLogin(reply: string): boolean {
  if (/STARTTLS|\bTLS\b/i.test(reply)) return false;
  return /^530[ -]/.test(reply) || (/^5\d\d[ -]5\.7\.0\b/.test(reply) && /auth/i.test(reply));
}

/** Credentials for the login, when HERALD_SMTP_URL has them. */
export interface Login {
  readonly user: string;
  readonly pass: string;
}

/**
 * Connect, log in and quit. Resolves with the error nodemailer reported (to be classified), or
 * null once the server took the login and the socket is closed; aborting `signal` gives up.
 */
export function preflight(options: SMTPConnectionOptions, login: Login | null, signal: AbortSignal): Promise<unknown> {
  return new Promise((resolve) => {
    // Our own socket, so that success waits for it to close: the pool's connections then never
    // overlap this one, and the server sees at most --concurrency connections at a time.
    const socket = new Socket();
    const socketClosed = new Promise((closed) => socket.once('close', closed));
    const connection = new SMTPConnection({ ...options, socket });
    let failure: unknown = null;
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      resolve(failure);
    };
    const fail = (error: unknown) => {
      failure ??= error;
      connection.close();
      settle();
    };
    const onAbort = () => fail(Object.assign(new Error('no answer in time'), { code: 'ETIMEDOUT', timeoutType: 'CONNECT_TIMEOUT' }));
    connection.on('error', fail);
    connection.once('end', () => {
      if (failure === null) void socketClosed.then(settle);
    });
    signal.addEventListener('abort', onAbort, { once: true });
    if (signal.aborted) return onAbort();
    connection.connect((connectError) => {
      if (connectError) return fail(connectError);
      if (login === null) {
        void command(connection, 'MAIL FROM:<>').then(async (reply) => {
          if (wantsLogin(reply)) return fail(Object.assign(new Error(reply), { code: 'EENVELOPE', response: reply, responseCode: Number(reply.slice(0, 3)), command: 'MAIL FROM' }));
          if (reply.startsWith('2')) await command(connection, 'RSET');
          connection.quit();
        });
        return;
      }
      if (!connection.allowsAuth) return connection.quit();
      connection.login({ user: login.user, pass: login.pass }, (loginError) => {
        if (loginError) return fail(loginError);
        connection.quit();
      });
    });
  });
}
