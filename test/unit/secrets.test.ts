/** The run's redactor: the rule, the forms a secret travels in, the channel wrapper and the credentials read from the environment. */
import { describe, expect, it } from 'vitest';
import type { Channel, SendResult } from '../../src/channels/channel.js';
import { addKnownCredentials } from '../../src/channels/known-credentials.js';
import { redacting } from '../../src/channels/redacting-channel.js';
import { REDACTED, Secrets } from '../../src/channels/secrets.js';

function redactor(...values: string[]): Secrets {
  const secrets = new Secrets();
  for (const value of values) secrets.add(value);
  return secrets;
}

const LONG = 's3cr3t/tok+en"42';
const b64 = (text: string) => Buffer.from(text).toString('base64');

describe('Secrets.redact', () => {
  it.each([
    // As it is, anywhere, inside longer text too.
    [LONG, `Bearer ${LONG}`, `Bearer ${REDACTED}`],
    [LONG, `x${LONG}y`, `x${REDACTED}y`],
    // Percent-encoded, hex in either case; any mix of encoded and plain characters.
    [LONG, `t=${encodeURIComponent(LONG)}`, `t=${REDACTED}`],
    [LONG, `t=${encodeURIComponent(LONG).toLowerCase()}`, `t=${REDACTED}`],
    [LONG, 't=s3cr3t%2Ftok+en"42', `t=${REDACTED}`],
    ['pass word', 'p=pass+word&q=pass%20word', `p=${REDACTED}&q=${REDACTED}`],
    // JSON-escaped, as an echoed request is: \" and \/ and \uXXXX.
    [LONG, JSON.stringify({ auth: LONG }), `{"auth":"${REDACTED}"}`],
    [LONG, 's3cr3t\\/tok+en\\"42', REDACTED],
    ['секрет-ключ', '"\\u0441\\u0435\\u043a\\u0440\\u0435\\u0442-\\u043a\\u043b\\u044e\\u0447"', `"${REDACTED}"`],
    // HTML-escaped, as an error page quotes it.
    ['a<b>&"c\'d', 'a&lt;b&gt;&amp;&quot;c&#39;d', REDACTED],
    // Base64 (padded or not, standard or URL-safe), as Basic auth and SMTP AUTH carry it.
    ['abcdef?>', `Basic ${b64('abcdef?>')}`, `Basic ${REDACTED}`],
    ['abcdef?>', b64('abcdef?>').replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_'), REDACTED],
    // Characters special to regular expressions are plain text.
    ['a.b*c(d)[e]$', 'x a.b*c(d)[e]$ aXb*c(d)[e]$', `x ${REDACTED} aXb*c(d)[e]$`],
    // Short (3 to 5 characters): whole tokens only, encoded forms too.
    ['4711', 'pin=4711&x=47110 A4711B 4711', `pin=${REDACTED}&x=47110 A4711B ${REDACTED}`],
    ['ab c', 'k=ab%20c;', `k=${REDACTED};`],
    // 1 or 2 characters: never (every message would be shredded).
    ['ok', 'ok: the provider said ok', 'ok: the provider said ok'],
  ])('%j in %j', (secret, text, expected) => {
    expect(redactor(secret).redact(text)).toBe(expected);
  });

  it('replaces a secret that holds another whole, and leaves text without secrets untouched', () => {
    const secrets = redactor('abcdef', 'abcdefghij');
    expect(secrets.redact('abcdefghij abcdef')).toBe(`${REDACTED} ${REDACTED}`);
    expect(secrets.redact('nothing here')).toBe('nothing here');
    expect(new Secrets().redact('abcdef')).toBe('abcdef');
  });

  it('counts a value once, and secrets added later are redacted too', () => {
    const secrets = redactor('first-secret');
    secrets.add('first-secret');
    expect(secrets.size).toBe(1);
    secrets.add('later-token');
    expect(secrets.redact('first-secret later-token')).toBe(`${REDACTED} ${REDACTED}`);
  });

  it('addLogin hides the password and the base64 of user:password (HTTP Basic) and of \\0user\\0password (SMTP AUTH PLAIN)', () => {
    const secrets = new Secrets();
    secrets.addLogin('ann', 'pa55word');
    expect(secrets.redact(`Basic ${b64('ann:pa55word')} AUTH PLAIN ${b64('\u0000ann\u0000pa55word')} ann`)).toBe(`Basic ${REDACTED} AUTH PLAIN ${REDACTED} ann`);
  });
});

describe('addKnownCredentials', () => {
  it('registers the credential variables, Twilio Basic auth and the logins of URL variables', () => {
    const secrets = new Secrets();
    addKnownCredentials(secrets, {
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'aliyun-key-secret',
      TWILIO_ACCOUNT_SID: 'AC0123',
      TWILIO_AUTH_TOKEN: 'twilio-token',
      WECHAT_APPSECRET: ' wechat-secret ',
      HERALD_SMTP_URL: 'smtp://news%40shop:p%40ss%3Aword@smtp.example:587',
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'LTAI-not-secret',
    });
    const text = `aliyun-key-secret ${b64('AC0123:twilio-token')} wechat-secret p@ss:word LTAI-not-secret news@shop`;
    expect(secrets.redact(text)).toBe(`${REDACTED} ${REDACTED} ${REDACTED} ${REDACTED} LTAI-not-secret news@shop`);
  });
});

describe('redacting(channel)', () => {
  const TOKEN = 'tok-123456';
  const said = (_message: string): SendResult => ({ outcome: 'permanent', code: `E ${TOKEN}`, detail: `echo ${TOKEN}`, messageId: TOKEN });
  // A channel that repeats the token everywhere it can, to see every path of the wrapper.
  const leaky: Channel<string> & { extra(): string } = {
    name: 'leaky',
    dedupeWindowMs: 0,
    prepare: (fields) => (fields.bad ? { ok: false, reason: `bad ${TOKEN}` } : { ok: true, message: String(fields.to) }),
    send: (message) => (message === 'throw' ? Promise.reject(new Error(`boom ${TOKEN}`)) : Promise.resolve(said(message))),
    sendBatch: (batch) => Promise.resolve(batch.map((b) => said(b.message))),
    reconcile: () => Promise.resolve({ state: 'unknown', detail: `asked with ${TOKEN}` }),
    verify: () => Promise.resolve(said('v')),
    describe: (message) => `POST ${message} ${TOKEN}`,
    close: () => Promise.resolve(),
    extra: () => `untouched ${TOKEN}`,
  };
  const ctx = { attempt: 1, key: 'k', idempotencyKey: 'i', signal: new AbortController().signal };
  const wrapped = redacting(leaky, redactor(TOKEN));

  it('redacts results, reconciliations, preflights, invalid reasons, descriptions and exceptions', async () => {
    const clean = { outcome: 'permanent', code: `E ${REDACTED}`, detail: `echo ${REDACTED}`, messageId: REDACTED };
    expect(await wrapped.send('x', ctx)).toEqual(clean);
    expect(await wrapped.sendBatch!([{ message: 'a', ctx }], ctx.signal)).toEqual([clean]);
    expect(await wrapped.verify!(ctx.signal)).toEqual(clean);
    expect(await wrapped.reconcile!('x', { key: 'k', idempotencyKey: 'i', attemptedAt: new Date(), signal: ctx.signal })).toEqual({ state: 'unknown', detail: `asked with ${REDACTED}` });
    expect(wrapped.prepare({ bad: '1' })).toEqual({ ok: false, reason: `bad ${REDACTED}` });
    expect(wrapped.prepare({ to: 'a' })).toEqual({ ok: true, message: 'a' });
    expect(wrapped.describe('a', 'i')).toBe(`POST a ${REDACTED}`);
    await expect(wrapped.send('throw', ctx)).rejects.toThrow(`boom ${REDACTED}`);
  });

  it("keeps the channel's other members, and leaves optional ones absent when the channel lacks them", () => {
    expect(wrapped.name).toBe('leaky');
    expect((wrapped as typeof leaky).extra()).toBe(`untouched ${TOKEN}`);
    const { verify: _v, reconcile: _r, sendBatch: _s, ...plain } = leaky;
    const bare = redacting(plain as Channel<string>, new Secrets());
    expect([bare.verify, bare.reconcile, bare.sendBatch]).toEqual([undefined, undefined, undefined]);
  });
});
