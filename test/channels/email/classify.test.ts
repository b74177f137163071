import { describe, expect, it } from 'vitest';
import { classifyAccepted, classifySmtpError, enhancedCode } from '../../../src/channels/email/classify.js';

const TARGET = { label: 'smtp.example.com:587', user: 'news@shop.example' };

/** An error shaped as nodemailer reports an SMTP reply. */
function reply(code: string, response: string, command = 'RCPT TO', responseCode = Number(response.slice(0, 3))) {
  return Object.assign(new Error(`failed: ${response}`), { code, response, responseCode, command });
}

describe('SMTP answer classification', () => {
  it.each([
    // each row: the error (as nodemailer builds it), outcome, code, unknown outcome?
    [reply('EENVELOPE', '550 5.1.1 <a@x.com>: User unknown'), 'permanent', '550', undefined],
    [reply('EENVELOPE', '553 5.1.3 Bad recipient address syntax'), 'permanent', '553', undefined],
    [reply('EMESSAGE', '554 5.6.0 Message rejected', 'DATA'), 'permanent', '554', undefined],
    [reply('EMESSAGE', '552 5.3.4 Message too big', 'MAIL FROM'), 'permanent', '552', undefined], // size: this message only
    [reply('EENVELOPE', '450 4.2.0 Greylisted, try again later'), 'retryable', '450', undefined],
    [reply('EENVELOPE', '451 4.3.0 Local error'), 'retryable', '451', undefined],
    [reply('EENVELOPE', '452 4.5.3 Too many recipients'), 'retryable', '452', undefined],
    [reply('ECONNECTION', '421 4.7.0 Too many messages, slow down', 'CONN'), 'throttled', '421', undefined],
    [reply('EENVELOPE', '421 Service not available', 'MAIL FROM'), 'throttled', '421', undefined],
    [reply('EMESSAGE', '451 4.7.1 Rate limited, try later', 'DATA'), 'throttled', '451', undefined], // 4.7.x
    [reply('EAUTH', '454 4.7.0 Temporary authentication failure', 'AUTH PLAIN'), 'throttled', '454', undefined],
    [reply('EENVELOPE', '503 5.5.1 Bad sequence of commands'), 'retryable', '503', undefined],
    [reply('EAUTH', '535 5.7.8 Authentication credentials invalid', 'AUTH PLAIN'), 'fatal', '535', undefined],
    [reply('EENVELOPE', '530 5.7.0 Authentication required', 'MAIL FROM'), 'fatal', '530', undefined],
    [reply('EAUTH', '534 5.7.9 Authentication mechanism is too weak', 'AUTH PLAIN'), 'fatal', '534', undefined],
    [reply('EENVELOPE', '553 5.7.1 Sender address rejected: not owned by user', 'MAIL FROM'), 'fatal', '553', undefined],
    // Postfix without a login: every recipient is refused for the same reason, a setting to fix
    [reply('EENVELOPE', '554 5.7.1 <a@x.com>: Relay access denied'), 'fatal', '554', undefined],
    // sendmail and Exchange say it their way
    [reply('EENVELOPE', '550 5.7.1 <a@x.com>... Relaying denied'), 'fatal', '550', undefined],
    [reply('EENVELOPE', '550 5.7.54 SMTP; Unable to relay recipient in non-accepted domain'), 'fatal', '550', undefined],
    // a policy refusal of this recipient is still the recipient's (5.7.1 without relaying)
    [reply('EENVELOPE', '550 5.7.1 <a@x.com>: Recipient address rejected: Access denied'), 'permanent', '550', undefined],
    [Object.assign(new Error('Missing credentials for "PLAIN"'), { code: 'EAUTH', command: 'API' }), 'fatal', 'EAUTH', undefined],
    [Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' }), 'retryable', 'ECONNREFUSED', undefined],
    [Object.assign(new Error('Greeting never received'), { code: 'ETIMEDOUT', timeoutType: 'GREETING_TIMEOUT', command: 'CONN' }), 'retryable', 'ETIMEDOUT', undefined],
    [Object.assign(new Error('Timeout'), { code: 'ETIMEDOUT', timeoutType: 'SOCKET_TIMEOUT', command: 'CONN' }), 'retryable', 'ETIMEDOUT', true],
    [Object.assign(new Error('Connection closed unexpectedly'), { code: 'ECONNECTION', command: 'CONN' }), 'retryable', 'ECONNECTION', true],
    // the pool's report of a reused connection closed (a 421, a drop) before the message went out
    [Object.assign(new Error('Reached maximum number of retries after connection was closed'), { code: 'ECONNECTION' }), 'throttled', 'ECONNECTION', undefined],
    [Object.assign(new Error('read ECONNRESET'), { code: 'ESOCKET', originalCode: 'ECONNRESET', command: 'CONN' }), 'retryable', 'ECONNRESET', true],
    [Object.assign(new Error('getaddrinfo ENOTFOUND'), { code: 'EDNS', originalCode: 'ENOTFOUND' }), 'fatal', 'ENOTFOUND', undefined],
    [Object.assign(new Error('getaddrinfo EAI_AGAIN'), { code: 'EDNS', originalCode: 'EAI_AGAIN' }), 'retryable', 'EAI_AGAIN', undefined],
    [Object.assign(new Error('self-signed certificate'), { code: 'ESOCKET', originalCode: 'DEPTH_ZERO_SELF_SIGNED_CERT', command: 'CONN' }), 'fatal', 'DEPTH_ZERO_SELF_SIGNED_CERT', undefined],
    [reply('ETLS', '500 Error: command not recognized', 'STARTTLS'), 'fatal', 'ETLS', undefined],
    [Object.assign(new Error("ENOENT: no such file or directory, open '/x/a.pdf'"), { code: 'ESTREAM', command: 'API' }), 'permanent', 'ESTREAM', undefined],
  ])('%s -> %s', (error, outcome, code, unknown) => {
    const result = classifySmtpError(error, TARGET);
    expect(result.outcome).toBe(outcome);
    expect(result.code).toBe(code);
    expect(result.unknown).toBe(unknown);
    expect(result.detail).toBeTruthy();
  });

  it('names the user and server when authentication fails, and says what to fix', () => {
    const result = classifySmtpError(reply('EAUTH', '535 5.7.8 Authentication credentials invalid', 'AUTH PLAIN'), TARGET);
    expect(result.detail).toBe(
      'authentication failed for news@shop.example at smtp.example.com:587 (535 5.7.8 Authentication credentials invalid): check the user and password in HERALD_SMTP_URL',
    );
    const anonymous = classifySmtpError(reply('EENVELOPE', '530 5.7.0 Authentication required', 'MAIL FROM'), { ...TARGET, user: null });
    expect(anonymous.detail).toContain('smtp.example.com:587 requires authentication');
  });

  it('tells a user without a login to set one when the relay refuses to relay', () => {
    const anonymous = classifySmtpError(reply('EENVELOPE', '554 5.7.1 <a@x.com>: Relay access denied'), { ...TARGET, user: null });
    expect(anonymous.detail).toBe(
      'smtp.example.com:587 refused to relay (554 5.7.1 <a@x.com>: Relay access denied): it relays only for logged-in senders: set the SMTP user and password in HERALD_SMTP_URL (smtp://user:password@host:587)',
    );
    expect(classifySmtpError(reply('EENVELOPE', '554 5.7.1 <a@x.com>: Relay access denied'), TARGET).detail).toContain('check that news@shop.example may send through it');
  });

  it('marks a throttle as slowing the whole run', () => {
    expect(classifySmtpError(reply('ECONNECTION', '421 4.7.0 slow down', 'CONN'), TARGET).scope).toBe('channel');
  });

  it('reads enhanced status codes', () => {
    expect(enhancedCode('550 5.1.1 User unknown')).toBe('5.1.1');
    expect(enhancedCode('421-4.7.28 Unusual rate')).toBe('4.7.28');
    expect(enhancedCode('550 User unknown')).toBeNull();
  });

  it("classifies an accepted message by its own recipient's answer", () => {
    const info = { response: '250 2.0.0 Ok: queued as H1', rejected: ['cc@x.com'], rejectedErrors: [Object.assign(reply('EENVELOPE', '550 5.1.1 no'), { recipient: 'cc@x.com' })] };
    expect(classifyAccepted(info, 'a@x.com', TARGET, '<k@shop.example>')).toEqual({ outcome: 'ok', code: '250', messageId: '<k@shop.example>' });
    const own = { ...info, rejectedErrors: [Object.assign(reply('EENVELOPE', '450 4.2.0 greylisted'), { recipient: 'A@x.com' })] };
    expect(classifyAccepted(own, 'a@x.com', TARGET, '<k@shop.example>')).toMatchObject({ outcome: 'retryable', code: '450' });
  });
});
