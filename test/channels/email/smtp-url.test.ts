import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { isLoopbackHost, mustEncryptLogin, parseSmtpUrl } from '../../../src/channels/email/smtp-url.js';
import { poolOptions } from '../../../src/channels/email/transport.js';

const SETTINGS = { maxConnections: 3, maxMessages: 50, timeoutMs: 7000, insecureTls: false };

describe('HERALD_SMTP_URL', () => {
  it.each([
    // each row: the URL, host, port, secure (smtps), user, password, loopback
    ['smtp://news%40shop.example:app%2Fpass@smtp.example.com:587', 'smtp.example.com', 587, false, 'news@shop.example', 'app/pass', false],
    ['smtp://smtp.example.com', 'smtp.example.com', 587, false, null, null, false],
    ['smtps://u:p@smtp.example.com', 'smtp.example.com', 465, true, 'u', 'p', false],
    ['smtp://relay.example.com:25', 'relay.example.com', 25, false, null, null, false],
    ['smtp://u:p@127.0.0.1:2525', '127.0.0.1', 2525, false, 'u', 'p', true],
    ['smtp://u:p@localhost:2525', 'localhost', 2525, false, 'u', 'p', true],
    ['smtp://u:p@[::1]:2525', '::1', 2525, false, 'u', 'p', true],
  ])('parses %s', (url, host, port, secure, user, password, loopback) => {
    expect(parseSmtpUrl(url)).toEqual({ host, port, secure, user, password, loopback });
  });

  it('takes the password from HERALD_SMTP_PASSWORD when set', () => {
    expect(parseSmtpUrl('smtp://news@smtp.example.com', 'p@ss#word/1').password).toBe('p@ss#word/1');
  });

  it.each([
    // each row: the URL, what the message says; none of them may show the password 's3cret'
    [undefined, 'HERALD_SMTP_URL is not set'],
    ['smtp://u:s3cret@smtp.example.com:587/x#y', "a path is not supported (found '/x')"],
    ['http://u:s3cret@smtp.example.com', "scheme 'http:' is not supported"],
    ['smtp://u:s3cret@smtp.example.com:465', 'port 465 speaks TLS from the first byte; use smtps://smtp.example.com:465'],
    ['smtps://u:s3cret@smtp.example.com:587', 'port 587 speaks STARTTLS; use smtp://smtp.example.com:587'],
    ['smtp://u:s3cret@smtp.example.com?ignoreTLS=true', "query parameters are not supported (found 'ignoreTLS')"],
    ['smtp://u@smtp.example.com', 'has a user but no password'],
    ['smtp://:s3cret@smtp.example.com', 'has a password but no user'],
    ['smtp://u:s3cret%zz@smtp.example.com', 'malformed %-escape'],
    ['not a url s3cret', 'is not a valid URL'],
  ])('refuses %s', (url, expected) => {
    let error: unknown = null;
    try {
      parseSmtpUrl(url);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(expected);
    expect((error as Error).message).not.toContain('s3cret');
  });

  it.each([
    // each row: host, loopback?
    ['localhost', true],
    ['127.0.0.1', true],
    ['127.8.9.10', true],
    ['::1', true],
    ['[::1]', true],
    ['10.0.0.1', false],
    ['smtp.example.com', false],
    ['localhost.example.com', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });
});

describe('transport options', () => {
  it('requires STARTTLS before a password goes to another machine', () => {
    const remote = parseSmtpUrl('smtp://u:p@smtp.example.com:587');
    expect(mustEncryptLogin(remote)).toBe(true);
    expect(poolOptions(remote, SETTINGS)).toMatchObject({ requireTLS: true, secure: false, auth: { user: 'u', pass: 'p' } });
  });

  it.each([
    // each row: URL whose login needs no STARTTLS requirement, and why
    ['smtp://u:p@127.0.0.1:2525'], // loopback: the password never leaves the machine
    ['smtps://u:p@smtp.example.com'], // TLS from the first byte
    ['smtp://relay.example.com:25'], // no password to protect (STARTTLS is still used when offered)
  ])('does not demand STARTTLS for %s', (url) => {
    expect(poolOptions(parseSmtpUrl(url), SETTINGS).requireTLS).toBe(false);
  });

  it('pools --concurrency connections, leaves pacing and retries to herald, verifies certificates', () => {
    const options = poolOptions(parseSmtpUrl('smtps://u:p@smtp.example.com'), SETTINGS);
    expect(options).toMatchObject({
      pool: true,
      maxConnections: 3,
      maxMessages: 50,
      maxRequeues: 0,
      connectionTimeout: 7000,
      greetingTimeout: 7000,
      tls: { rejectUnauthorized: true, servername: 'smtp.example.com' },
    });
    expect(options.rateLimit).toBeUndefined();
    expect(poolOptions(parseSmtpUrl('smtps://u:p@smtp.example.com'), { ...SETTINGS, insecureTls: true }).tls).toMatchObject({
      rejectUnauthorized: false,
    });
  });
});
