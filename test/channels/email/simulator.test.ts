import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import nodemailer from 'nodemailer';
import SMTPConnection from 'nodemailer/lib/smtp-connection';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { folderWith, parseEml, simulator } from './helpers.js';
import { findMock } from '../../../src/mock/registry.js';

let closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers = [];
});

async function started(options: Readonly<Record<string, unknown>> = {}) {
  const sim = await simulator(options);
  closers.push(() => sim.close());
  return sim;
}

/** Send one message with nodemailer straight to the simulator; resolves with the error or null. */
async function deliver(url: string, to: string, extra: Record<string, unknown> = {}): Promise<(Error & { responseCode?: number }) | null> {
  const transport = nodemailer.createTransport(url);
  try {
    await transport.sendMail({ from: 'news@shop.example', to, subject: 'Hi', text: 'x', ...extra });
    return null;
  } catch (error) {
    return error as Error;
  } finally {
    transport.close();
  }
}

describe('herald mock email', () => {
  it('is what `herald mock email` loads, and prints the URL that points herald at it', async () => {
    const module = await findMock('email')!.load();
    const sim = await module.start({ port: '0', user: 'news@shop.example', password: 'p/w' }, () => undefined);
    closers.push(() => sim.close());
    expect(sim.url).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.env).toEqual({ HERALD_SMTP_URL: `smtp://news%40shop.example:p%2Fw@${sim.url.slice('smtp://'.length)}` });
    expect(await deliver(sim.env['HERALD_SMTP_URL']!, 'a@example.com')).toBeNull();
    expect(sim.stats()).toContain('messages accepted 1 for 1 recipients');
  });

  it('requires the login it was given: 530 without one, 535 for a wrong one', async () => {
    const sim = await started({ user: 'u', password: 'right' });
    expect((await deliver(sim.url, 'a@example.com'))?.responseCode).toBe(530);
    expect((await deliver(sim.url.replace('//', '//u:wrong@'), 'a@example.com'))?.message).toContain('535 5.7.8');
    expect(sim.counters()).toMatchObject({ messages: 0, authFailures: 1 });
  });

  it('refuses a message without a Date, as submission servers do', async () => {
    const sim = await started();
    const connection = new SMTPConnection({ host: '127.0.0.1', port: sim.port });
    const error = await new Promise<unknown>((resolve) => {
      connection.connect(() =>
        connection.send({ from: 'a@shop.example', to: ['b@example.com'] }, 'From: a@shop.example\r\nMessage-ID: <1@x>\r\n\r\nhi\r\n', (err) => {
          connection.quit();
          resolve(err);
        }),
      );
    });
    expect(String(error)).toContain('554 5.6.0 Message lacks required header Date');
    expect(sim.counters()).toMatchObject({ messages: 0, malformed: 1 });
  });

  it('rejects the same mailboxes for the same seed, and greylists each recipient once', async () => {
    const addresses = Array.from({ length: 60 }, (_, i) => `user${i}@example.com`);
    const rejectedBy = async (seed: number) => {
      const sim = await started({ rejectRate: '0.3', seed: String(seed) });
      const transport = nodemailer.createTransport({ pool: true, host: '127.0.0.1', port: sim.port, maxConnections: 1 });
      const refused: string[] = [];
      for (const to of addresses) {
        const error = await transport.sendMail({ from: 'news@shop.example', to, text: 'x' }).then(() => null, (e: unknown) => e);
        if ((error as { responseCode?: number } | null)?.responseCode === 550) refused.push(to);
      }
      transport.close();
      return refused;
    };
    const first = await rejectedBy(5);
    expect(first.length).toBeGreaterThan(5);
    expect(first.length).toBeLessThan(40);
    expect(await rejectedBy(5)).toEqual(first);
    expect(await rejectedBy(6)).not.toEqual(first);

    const grey = await started({ greylist: true });
    expect((await deliver(grey.url, 'g@example.com'))?.responseCode).toBe(450);
    expect(await deliver(grey.url, 'g@example.com')).toBeNull();
    expect((await deliver(grey.url, 'h@example.com'))?.responseCode).toBe(450);
    expect(grey.counters()).toMatchObject({ greylisted: 2, messages: 1 });
  });

  it('answers 421 and hangs up when throttling', async () => {
    const sim = await started({ throttleRate: 1 });
    const error = await deliver(sim.url, 'a@example.com');
    expect(error?.responseCode).toBe(421);
    expect(error?.message).toContain('4.7.0');
    expect(sim.counters()).toMatchObject({ throttled: 1, messages: 0 });
  });

  it("answers a share of messages with a large provider's deferral (--defer, --defer-reply)", async () => {
    const sim = await started({ defer: '100%', deferReply: 'yahoo' });
    const error = await deliver(sim.url, 'a@example.com');
    expect(error?.responseCode).toBe(421);
    expect(error?.message).toContain('4.7.0 [TSS04] Messages from 127.0.0.1 temporarily deferred');
    const none = await started({ defer: '0', deferReply: 'ses' });
    expect(await deliver(none.url, 'a@example.com')).toBeNull();
    expect(sim.counters()).toMatchObject({ slowDowns: 1, messages: 0 });
    await expect(started({ defer: '0.1', deferReply: 'aol' })).rejects.toThrow(/--defer-reply must be one of gmail, gmail-recipient, yahoo, microsoft, ses, any \(got 'aol'\)/);
    await expect(started({ defer: '150%' })).rejects.toThrow(/--defer '150%': expected a share from 0 to 1/);
  });

  it('writes each accepted message to --save as an .eml file a mail reader opens', async () => {
    const folder = folderWith({});
    closers.push(folder.cleanup);
    const dir = join(folder.dir, 'inbox');
    const sim = await started({ save: dir });
    expect(await deliver(sim.url, '张三 <zhangsan@example.com>', { subject: '你好', messageId: '<m1@shop.example>' })).toBeNull();
    expect(readdirSync(dir)).toEqual(['000001.eml']);
    const mail = await parseEml(join(dir, '000001.eml'));
    expect(mail.subject).toBe('你好');
    expect(mail.messageId).toBe('<m1@shop.example>');
    expect(sim.received()).toEqual([
      { seq: 1, mailFrom: 'news@shop.example', rcptTo: ['zhangsan@example.com'], messageId: '<m1@shop.example>', helo: expect.any(String), size: expect.any(Number), file: join(dir, '000001.eml') },
    ]);
    // Like a receiving server, the saved copy starts with a Received line naming the client's EHLO.
    expect(mail.headerLines[0]!.line).toMatch(new RegExp(`^Received: from ${sim.received()[0]!.helo.replace(/[[\].]/g, '\\$&')} \\(\\[`));
  });

  it.each([
    // each row: options, what the error names
    [{ rejectRate: '2' }, '--reject-rate must be a number from 0 to 1'],
    [{ deferRate: 'often' }, '--defer-rate must be a number from 0 to 1'],
    [{ user: 'u' }, '--user and --password go together'],
    [{ tls: true, secure: true }, '--tls (STARTTLS) and --secure'],
    [{ port: '1.5' }, '--port must be a whole number'],
  ])('refuses bad options %j', async (options, expected) => {
    const error = await simulator(options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toContain(expected);
  });
});
