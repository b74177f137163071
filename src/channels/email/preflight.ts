/**
 * The email channel's preflight: one connection that greets, negotiates TLS and logs in the way
 * the pool will, then says goodbye. A wrong password or a certificate problem is found before
 * any message goes out, and the connection is closed before the pool opens its own.
 */
import { Socket } from 'node:net';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import type { SMTPConnectionOptions } from 'nodemailer/lib/smtp-connection';

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
      if (login === null || !connection.allowsAuth) return connection.quit();
      connection.login({ user: login.user, pass: login.pass }, (loginError) => {
        if (loginError) return fail(loginError);
        connection.quit();
      });
    });
  });
}
