// The large mailbox providers' "slow down" deferrals, with the reply texts they send (USERS.md §6),
// as nodemailer reports them: each is `throttled` for the whole run, except SES's daily quota.
import { describe, expect, it } from 'vitest';
import { classifySmtpError } from '../../../src/channels/email/classify.js';
import { knownDeferral } from '../../../src/channels/email/deferrals.js';

const TARGET = { label: 'smtp.example.com:587', user: 'news@shop.example' };

/** An error shaped as nodemailer reports a reply (multi-line replies joined by newlines). */
function reply(code: string, command: string, ...lines: string[]) {
  const response = lines.join('\n');
  return Object.assign(new Error(`failed: ${response}`), { code, command, response, responseCode: Number(response.slice(0, 3)) });
}

const GMAIL_RATE = [
  '421-4.7.28 [203.0.113.7      15] Our system has detected an unusual rate of unsolicited mail originating',
  '421-4.7.28 from your IP address. To protect our users from spam, mail sent from your IP address has been',
  '421 4.7.28 temporarily rate limited. https://support.google.com/mail/?p=UnsolicitedRateLimitError - gsmtp',
];

describe('deferrals from large providers', () => {
  it.each([
    // each row: the reply as nodemailer reports it, outcome, code, provider named in the detail
    // Gmail, after DATA: the sending IP is rate limited
    [reply('EMESSAGE', 'DATA', ...GMAIL_RATE), 'throttled', '421', 'Gmail'],
    // Gmail, at RCPT: one recipient is receiving mail too quickly
    [reply('EENVELOPE', 'RCPT TO', '450 4.2.1 The user you are trying to contact is receiving mail too quickly. Please resend your message at a later time. - gsmtp'), 'throttled', '450', 'Gmail'],
    // Gmail's text as USERS.md quotes it
    [reply('EENVELOPE', 'RCPT TO', '450 4.2.1 The user you are trying to contact is receiving mail too quickly'), 'throttled', '450', 'Gmail'],
    // Yahoo: unexpected volume or complaints
    [reply('EENVELOPE', 'MAIL FROM', '421 4.7.0 [TSS04] Messages from 203.0.113.7 temporarily deferred due to unexpected volume or user complaints - 4.16.55.1; see https://postmaster.yahooinc.com/error-codes'), 'throttled', '421', 'Yahoo'],
    // Microsoft (Outlook.com, Exchange Online): server busy
    [reply('EENVELOPE', 'RCPT TO', '451 4.7.500 Server busy. Please try again later from [203.0.113.7]. (S77714) [BN8NAM12FT058.eop-nam12.prod.protection.outlook.com]'), 'throttled', '451', 'Microsoft'],
    // Amazon SES, after DATA: the account's sending rate
    [reply('EMESSAGE', 'DATA', '454 Throttling failure: Maximum sending rate exceeded.'), 'throttled', '454', 'Amazon SES'],
    // Amazon SES: the account's daily quota is used up; nothing more goes out today
    [reply('EMESSAGE', 'DATA', '454 Throttling failure: Daily message quota exceeded.'), 'fatal', '454', 'Amazon SES'],
  ])('%s -> %s', (error, outcome, code, provider) => {
    const result = classifySmtpError(error, TARGET);
    expect(result).toMatchObject({ outcome, code });
    expect(result.detail).toContain(provider);
    expect(result.unknown).toBeUndefined();
    if (outcome === 'throttled') expect(result.scope).toBe('channel');
    else expect(result.detail).toContain('--resume');
  });

  it.each([
    // each row: status, enhanced code, reply text: close to a deferral, but another answer
    [450, '4.2.0', '450 4.2.0 <a@x.com>: Recipient address rejected: Greylisted'], // greylisting: retryable, not a slow-down
    [421, '4.7.0', '421 4.7.0 Try again later, closing connection.'], // a 421 without Yahoo's [TSS..] tag
    [454, '4.7.0', '454 4.7.0 Temporary authentication failure'], // SES-like code, not SES's text
    [451, '4.7.1', '451 4.7.1 Service unavailable'], // another 4.7.x
  ])('%i %s is not a named deferral', (status, enhanced, text) => {
    expect(knownDeferral(status, enhanced, text)).toBeNull();
  });

  it('leaves greylisting retryable', () => {
    expect(classifySmtpError(reply('EENVELOPE', 'RCPT TO', '450 4.2.0 Greylisted, try again later'), TARGET).outcome).toBe('retryable');
  });
});
