import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import { afterEach, describe, expect, it } from 'vitest';
import type { Channel, SendResult } from '../../../src/channels/channel.js';
import { classifySmtpError } from '../../../src/channels/email/classify.js';
import type { EmailMessage } from '../../../src/channels/email/message-template.js';
import { emailChannel, emailSetup, folderWith, parseEml, prepared, sendAll, sendOnce, simulator } from './helpers.js';

const WELCOME_HTML =
  'From: 小店 News <news@shop.example>\nSubject: 欢迎, {{name}}! Your code {{code}}\nX-Campaign: spring\n\n' +
  '<h1>Hello {{name}}</h1><p>Your code is <b>{{code}}</b>.</p>';

type Closer = () => Promise<void> | void;
let closers: Closer[] = [];
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers = [];
});

/** A simulator plus a channel pointed at it, both closed after the test. */
async function setup(options: {
  sim?: Readonly<Record<string, unknown>>;
  files?: Readonly<Record<string, string>>;
  channel?: Readonly<Record<string, unknown>>;
  url?: (env: string) => string;
  concurrency?: number;
}) {
  const sim = await simulator(options.sim ?? {});
  closers.push(() => sim.close());
  const folder = folderWith(options.files ?? { 'welcome.html': WELCOME_HTML });
  closers.push(folder.cleanup);
  const url = options.url ? options.url(sim.env['HERALD_SMTP_URL']!) : sim.env['HERALD_SMTP_URL']!;
  const channel = await emailChannel(
    emailSetup(folder.dir, { template: Object.keys(options.files ?? { 'welcome.html': '' })[0], ...options.channel }, { HERALD_SMTP_URL: url }, {
      concurrency: options.concurrency ?? 5,
    }),
  );
  closers.push(() => channel.close());
  return { sim, channel, dir: folder.dir };
}

function rowsFor(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    email: `user${i}@example.com`,
    name: i % 2 === 0 ? `张三${i}` : `Zoë O'Brien ${i}`,
    code: `C${1000 + i}`,
  }));
}

describe('email channel against an SMTP server on 127.0.0.1', () => {
  it('delivers 500 personalised messages over at most --concurrency reused connections', async () => {
    const saved = folderWith({});
    closers.push(saved.cleanup);
    const { sim, channel } = await setup({ sim: { save: saved.dir, latency: 5 }, channel: { maxMessages: '100' } });
    expect(await channel.verify!(AbortSignal.timeout(10_000))).toBeNull();
    const rows = rowsFor(500);
    const messages = rows.map((row, i) => ({ message: prepared(channel, row), key: `camp1.k${i}` }));
    const results = await sendAll(channel, messages, 5);

    expect(results.filter((r) => r.outcome === 'ok')).toHaveLength(500);
    expect(results[7]).toEqual({ outcome: 'ok', code: '250', messageId: '<camp1.k7@shop.example>' });
    const counts = sim.counters();
    expect(counts.messages).toBe(500);
    expect(counts.duplicates).toBe(0);
    expect(counts.peakConnections).toBeLessThanOrEqual(5);
    expect(counts.peakConnections).toBeGreaterThan(1);
    // 100 messages per connection at most: at least 5 connections, and far fewer than one per message.
    expect(counts.connections).toBeGreaterThanOrEqual(5);
    expect(counts.connections).toBeLessThanOrEqual(20);

    const files = readdirSync(saved.dir).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(500);
    const byTo = new Map<string, Awaited<ReturnType<typeof parseEml>>>();
    for (const file of files) {
      const mail = await parseEml(join(saved.dir, file));
      const to = Array.isArray(mail.to) ? mail.to[0] : mail.to;
      byTo.set(to!.value[0]!.address!, mail);
    }
    const ids = new Set<string>();
    rows.forEach((row, i) => {
      const mail = byTo.get(row.email);
      expect(mail, row.email).toBeDefined();
      expect(mail!.subject).toBe(`欢迎, ${row.name}! Your code ${row.code}`);
      expect(mail!.from!.value[0]).toEqual({ name: '小店 News', address: 'news@shop.example' });
      expect(mail!.html).toContain(`<h1>Hello ${row.name.replace("'", '&#39;')}</h1>`);
      expect(mail!.text).toContain(`Your code is ${row.code}.`);
      expect(mail!.messageId).toBe(`<camp1.k${i}@shop.example>`);
      expect(mail!.headers.get('x-campaign')).toBe('spring');
      expect(mail!.date).toBeInstanceOf(Date);
      ids.add(mail!.messageId!);
    });
    expect(ids.size).toBe(500);
  });

  it('sends the same Message-ID again for the same key (a resend a receiver can drop)', async () => {
    const { sim, channel } = await setup({});
    const message = prepared(channel, { email: 'li@example.com', name: '李四', code: '9' });
    expect((await sendOnce(channel, message, 'camp.li')).messageId).toBe('<camp.li@shop.example>');
    expect((await sendOnce(channel, message, 'camp.li', 2)).messageId).toBe('<camp.li@shop.example>');
    expect(sim.counters()).toMatchObject({ messages: 1, duplicates: 1 });
    expect(sim.received().map((m) => m.messageId)).toEqual(['<camp.li@shop.example>', '<camp.li@shop.example>']);
  });

  it('never lets a field add a header or a recipient', async () => {
    const saved = folderWith({});
    closers.push(saved.cleanup);
    const files = { 'note.txt': 'From: news@shop.example\nReply-To: {{agent}} <help@shop.example>\nSubject: Note\n\nDear {{name}},\nbye' };
    const { sim, channel } = await setup({ sim: { save: saved.dir }, files });
    const evil = '\r\nBcc: x@evil.example';
    const message = prepared(channel, { email: 'ann@example.com', name: evil, agent: 'Agent, X <x@evil.example>' });
    expect((await sendOnce(channel, message, 'k1')).outcome).toBe('ok');

    expect(sim.received()[0]!.rcptTo).toEqual(['ann@example.com']);
    const mail = await parseEml(sim.received()[0]!.file!);
    expect(mail.bcc).toBeUndefined();
    expect(mail.headers.has('bcc')).toBe(false);
    expect(mail.replyTo!.value).toEqual([{ name: 'Agent, X <x@evil.example>', address: 'help@shop.example' }]);
    expect(mail.text).toContain(`Dear ${evil.replace('\r\n', '\n')},`);
    const { channel: inHeader } = await setup({ files: { 'n.txt': 'From: news@shop.example\nSubject: Hi {{name}}\n\nx' } });
    expect(inHeader.prepare({ email: 'ann@example.com', name: evil }).ok).toBe(false);
  });

  it('classifies 550 as permanent, 450 greylisting as retryable then ok, 421 as a throttle of the whole run', async () => {
    const rejecting = await setup({ sim: { rejectRate: 1 } });
    const bounced = await sendOnce(rejecting.channel, prepared(rejecting.channel, { email: 'gone@example.com', name: 'G', code: '1' }), 'k1');
    expect(bounced).toMatchObject({ outcome: 'permanent', code: '550' });
    expect(bounced.detail).toContain('5.1.1 <gone@example.com>: Recipient address rejected: User unknown');

    const greylisting = await setup({ sim: { greylist: true } });
    const message = prepared(greylisting.channel, { email: 'grey@example.com', name: 'G', code: '1' });
    expect(await sendOnce(greylisting.channel, message, 'k2')).toMatchObject({ outcome: 'retryable', code: '450' });
    expect(await sendOnce(greylisting.channel, message, 'k2', 2)).toMatchObject({ outcome: 'ok', messageId: '<k2@shop.example>' });
    expect(greylisting.sim.counters()).toMatchObject({ greylisted: 1, messages: 1 });

    const throttling = await setup({ sim: { throttleRate: 1 } });
    const slowed = await sendOnce(throttling.channel, prepared(throttling.channel, { email: 'a@example.com', name: 'A', code: '1' }), 'k3');
    expect(slowed).toMatchObject({ outcome: 'throttled', code: '421', scope: 'channel' });
    expect(throttling.sim.counters().messages).toBe(0);
  });

  it.each([
    // each row: --defer-reply, the code herald records, the provider the detail names
    ['gmail', '421', 'Gmail'],
    ['gmail-recipient', '450', 'Gmail'],
    ['yahoo', '421', 'Yahoo'],
    ['microsoft', '451', 'Microsoft'],
    ['ses', '454', 'Amazon SES'],
  ])("answers --defer-reply %s with the provider's deferral, classified throttled (%s)", async (deferReply, code, provider) => {
    const { sim, channel } = await setup({ sim: { defer: '1', deferReply } });
    const results = await sendAll(channel, rowsFor(3).map((row, i) => ({ message: prepared(channel, row), key: `d${i}` })), 1);
    for (const result of results) {
      expect(result).toMatchObject({ outcome: 'throttled', code, scope: 'channel' });
      expect(result.detail).toContain(`${provider} asks to slow down`);
    }
    expect(sim.counters()).toMatchObject({ slowDowns: 3, messages: 0 });
  });

  it('keeps going through a mix of faults, every answer classified and none thrown', async () => {
    const { sim, channel } = await setup({ sim: { rejectRate: 0.1, deferRate: 0.1, throttleRate: 0.05, seed: 7 } });
    const messages = rowsFor(200).map((row, i) => ({ message: prepared(channel, row), key: `m${i}` }));
    const results = await sendAll(channel, messages, 5);
    const tally = (outcome: SendResult['outcome']) => results.filter((r) => r.outcome === outcome).length;
    const counts = sim.counters();
    expect(tally('ok')).toBe(counts.messages);
    expect(tally('permanent')).toBe(counts.rejected);
    expect(tally('retryable')).toBe(counts.deferred);
    expect(tally('throttled')).toBe(counts.throttled);
    expect(tally('ok') + tally('permanent') + tally('retryable') + tally('throttled')).toBe(200);
    expect(counts.rejected).toBeGreaterThan(0);
    expect(counts.peakConnections).toBeLessThanOrEqual(5);
  });

  it('stops on a wrong password before any message, never showing the password', async () => {
    const password = 'Wr0ng-Pa55w0rd!';
    const { sim, channel } = await setup({
      sim: { user: 'news@shop.example', password: 'right-one' },
      url: (env) => env.replace('right-one', encodeURIComponent(password)),
    });
    const result = await channel.verify!(AbortSignal.timeout(10_000));
    expect(result).toMatchObject({ outcome: 'fatal', code: '535' });
    expect(result!.detail).toBe(
      `authentication failed for news@shop.example at 127.0.0.1:${sim.port} (535 5.7.8 Authentication credentials invalid): check the user and password in HERALD_SMTP_URL`,
    );
    const sent = await sendOnce(channel, prepared(channel, { email: 'a@example.com', name: 'A', code: '1' }), 'k');
    expect(sent).toMatchObject({ outcome: 'fatal', code: '535' });
    for (const text of [JSON.stringify(result), JSON.stringify(sent), ...sim.lines]) {
      expect(text).not.toContain(password);
      expect(text).not.toContain(encodeURIComponent(password));
    }
    expect(sim.counters()).toMatchObject({ messages: 0, authFailures: 2 });
  });

  it('logs in with the right password and closes the preflight connection before sending', async () => {
    const { sim, channel } = await setup({ sim: { user: 'news@shop.example', password: 'p@ss/w:rd', latency: 10 }, concurrency: 2 });
    expect(await channel.verify!(AbortSignal.timeout(10_000))).toBeNull();
    expect(sim.counters().connections).toBe(1);
    for (let waited = 0; sim.counters().openConnections > 0 && waited < 2000; waited += 10) await new Promise((r) => setTimeout(r, 10));
    expect(sim.counters().openConnections).toBe(0);
    const messages = rowsFor(10).map((row, i) => ({ message: prepared(channel, row), key: `p${i}` }));
    expect((await sendAll(channel, messages, 2)).every((r) => r.outcome === 'ok')).toBe(true);
    expect(sim.counters()).toMatchObject({ messages: 10, authFailures: 0 });
    expect(sim.counters().peakConnections).toBeLessThanOrEqual(2);
  });

  it('stops when the server cannot be reached, naming the setting to fix', async () => {
    const { channel } = await setup({ url: () => 'smtp://127.0.0.1:1' });
    const result = await channel.verify!(AbortSignal.timeout(10_000));
    expect(result).toMatchObject({ outcome: 'fatal', code: 'ECONNREFUSED' });
    expect(result!.detail).toContain('cannot connect to 127.0.0.1:1 (ECONNREFUSED): check the host and port in HERALD_SMTP_URL');
  });

  it('verifies certificates: a self-signed server is refused unless --insecure-tls', async () => {
    const strict = await setup({ sim: { tls: true } });
    const refused = await strict.channel.verify!(AbortSignal.timeout(10_000));
    expect(refused).toMatchObject({ outcome: 'fatal' });
    expect(refused!.detail).toContain(`TLS with 127.0.0.1:${strict.sim.port} failed`);
    expect(refused!.detail).toContain('--insecure-tls');
    expect(strict.sim.counters().messages).toBe(0);

    for (const mode of [{ tls: true }, { secure: true }]) {
      const relaxed = await setup({ sim: mode, channel: { insecureTls: true } });
      expect(relaxed.sim.env['HERALD_SMTP_URL']).toMatch(mode.secure ? /^smtps:/ : /^smtp:/);
      expect(await relaxed.channel.verify!(AbortSignal.timeout(10_000))).toBeNull();
      const result = await sendOnce(relaxed.channel, prepared(relaxed.channel, { email: 'a@example.com', name: 'A', code: '1' }), 'k');
      expect(result.outcome).toBe('ok');
      expect(relaxed.sim.counters().messages).toBe(1);
    }
  });

  it('refuses to log in without TLS to a server that offers no STARTTLS when encryption is required', async () => {
    const sim = await simulator({ user: 'u', password: 'p' });
    closers.push(() => sim.close());
    // What the channel does for a non-loopback host (requireTLS), tried against the loopback simulator.
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: sim.port, requireTLS: true, auth: { user: 'u', pass: 'p' } });
    const error = await transport.sendMail({ from: 'a@shop.example', to: 'b@example.com', text: 'x' }).catch((e: unknown) => e);
    transport.close();
    const result = classifySmtpError(error, { label: 'smtp.example.com:587', user: 'u' });
    expect(result.outcome).toBe('fatal');
    expect(result.detail).toContain('does not offer STARTTLS, and herald never sends a password unencrypted');
    expect(sim.counters()).toMatchObject({ messages: 0, authFailures: 0 });
  });

  it('gives up an attempt at the deadline as an unknown outcome', async () => {
    const { channel } = await setup({ sim: { latency: 5000 } });
    const message = prepared(channel, { email: 'a@example.com', name: 'A', code: '1' });
    const result = await channel.send(message, { attempt: 1, key: 'k', idempotencyKey: 'k', signal: AbortSignal.timeout(300) });
    expect(result).toMatchObject({ outcome: 'retryable', code: 'TIMEOUT', unknown: true });
  });

  it('replaces a connection after --max-messages messages', async () => {
    const { sim, channel } = await setup({ channel: { maxMessages: '2' }, concurrency: 1 });
    const messages = rowsFor(6).map((row, i) => ({ message: prepared(channel, row), key: `x${i}` }));
    expect((await sendAll(channel, messages, 1)).every((r) => r.outcome === 'ok')).toBe(true);
    expect(sim.counters()).toMatchObject({ messages: 6, connections: 3, peakConnections: 1 });
  });

  it('sends attachments from the template folder', async () => {
    const files = {
      'mail/invoice.txt': 'From: billing@shop.example\nSubject: Invoice {{no}}\nAttachment: invoices/{{no}}.txt\n\nAttached.',
      'mail/invoices/1001.txt': 'invoice 1001: 12.00 EUR',
    };
    const saved = folderWith({});
    closers.push(saved.cleanup);
    const { sim, channel } = await setup({ sim: { save: saved.dir }, files });
    expect((await sendOnce(channel, prepared(channel, { email: 'a@example.com', no: '1001' }), 'k')).outcome).toBe('ok');
    expect(channel.prepare({ email: 'b@example.com', no: '../../etc/passwd' }).ok).toBe(false);
    const mail = await parseEml(sim.received()[0]!.file!);
    expect(mail.attachments.map((a) => [a.filename, a.content.toString()])).toEqual([['1001.txt', 'invoice 1001: 12.00 EUR']]);
  });
});

export type { Channel, EmailMessage };
