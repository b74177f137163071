// Twilio settings are checked before anything is sent; rows that cannot be sent are refused with
// a reason; describe() shows the whole SMS and tally() its billed segments.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { twilioSpec } from '../../../src/channels/twilio/spec.js';
import { ConfigError } from '../../../src/errors.js';
import { makeSetup } from '../sms/harness.js';

const FIXTURES = join(import.meta.dirname, '../../../fixtures/sms');
const ENV = { TWILIO_ACCOUNT_SID: 'AC0123456789abcdef0123456789abcdef', TWILIO_AUTH_TOKEN: 'tok-secret-value' };
const OPTIONS = { from: '+14155550000', template: 'twilio-body.txt' };

async function create(env: Record<string, string | undefined>, options: Record<string, unknown>, dryRun = false) {
  return (await twilioSpec.load()).create(makeSetup(env, options, { dryRun, cwd: FIXTURES }));
}

describe('twilio settings', () => {
  it.each([
    // [env, options, message fragment]
    [ENV, { template: 'twilio-body.txt' }, 'give --from <number> or --messaging-service-sid'],
    [ENV, { ...OPTIONS, from: '4155550000' }, '--from must be an E.164 number'],
    [ENV, { ...OPTIONS, messagingServiceSid: 'MG123' }, "--messaging-service-sid must be MG followed by 32 hex digits, got 'MG123'"],
    [ENV, { from: '+14155550000' }, '--template is required'],
    [ENV, { ...OPTIONS, template: 'nope.txt' }, '--template nope.txt: cannot read it (ENOENT)'],
    [{ ...ENV, TWILIO_ACCOUNT_SID: 'AC1' }, OPTIONS, "TWILIO_ACCOUNT_SID must be AC followed by 32 hex digits, got 'AC1'"],
    [{ TWILIO_ACCOUNT_SID: ENV.TWILIO_ACCOUNT_SID }, OPTIONS, 'TWILIO_AUTH_TOKEN is not set'],
    [{ ...ENV, HERALD_TWILIO_ENDPOINT: 'http://api.example.com' }, OPTIONS, 'plain HTTP: the auth token would travel unencrypted; use https'],
    [{ ...ENV, HERALD_TWILIO_ENDPOINT: 'https://api.twilio.com/2010-04-01/' }, OPTIONS, 'leave out /2010-04-01, herald adds it'],
  ])('%#: refuses with a ConfigError naming the setting', async (env, options, fragment) => {
    const attempt = create(env, options);
    await expect(attempt).rejects.toBeInstanceOf(ConfigError);
    await expect(attempt).rejects.toThrow(fragment);
    await attempt.catch((error: Error) => expect(error.message).not.toContain(ENV.TWILIO_AUTH_TOKEN));
  });

  it('accepts an alphanumeric sender ID', async () => {
    const channel = await create(ENV, { ...OPTIONS, from: 'Herald Shop' });
    await channel.close();
  });
});

describe('twilio prepare, describe and tally', () => {
  it('--dry-run needs no credentials; describe shows the SMS, tally the segments', async () => {
    const channel = await create({}, OPTIONS, true);
    const prepared = channel.prepare({ phone: '+44 7911 123456', name: 'Ann', code: '12' });
    if (!prepared.ok) throw new Error(prepared.reason);
    const text = channel.describe(prepared.message, 'k');
    expect(text).toContain('To: +447911123456');
    expect(text).toContain('From: +14155550000');
    expect(text).toContain('Hi Ann, your code is 12. Reply STOP to opt out.');
    expect(text).toContain('GSM-7, 1 billed segment)');
    expect(channel.tally!(prepared.message)).toEqual({ messages: 1, segments: 1 });
  });

  it.each([
    // [name, encoding, segments]
    ['a'.repeat(150), 'GSM-7', 2], // 150 + 45 template characters: two GSM-7 parts
    ['王'.repeat(20), 'UCS-2', 1], // Chinese: UCS-2, 65 units
    ['王'.repeat(30), 'UCS-2', 2], // 75 units: two parts
  ])('%#: counts %s segments', async (name, encoding, segments) => {
    const channel = await create({}, OPTIONS, true);
    const prepared = channel.prepare({ phone: '+14155552671', name, code: '1' });
    expect(prepared).toMatchObject({ ok: true, message: { encoding, segments } });
  });

  it.each([
    // [row, reason fragment]
    [{ name: 'a', code: '1' }, "row lacks the phone field 'phone' (--to)"],
    [{ phone: '4155552671', name: 'a', code: '1' }, 'lacks a country code'],
    [{ phone: '+14155552671', code: '1' }, 'twilio-body.txt uses {{name}}, which this row lacks'],
    [{ phone: '+14155552671', name: 'x'.repeat(1_600), code: '1' }, 'Twilio takes at most 1600'],
  ])('%#: refuses a row that cannot be sent', async (row, reason) => {
    const channel = await create({}, OPTIONS, true);
    const prepared = channel.prepare(row);
    expect(prepared.ok).toBe(false);
    if (!prepared.ok) expect(prepared.reason).toContain(reason);
  });
});
