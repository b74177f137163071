// Details real servers care about: the EHLO name (HERALD_SMTP_NAME, else a host name with a dot)
// and the charset of text attachments. Checked in the .eml the simulator saves.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ehloName } from '../../../src/channels/email/ehlo-name.js';
import { ConfigError } from '../../../src/errors.js';
import { runHerald, tempDir } from '../../helpers/cli.js';
import { parseEml, simulator } from './helpers.js';

let closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers = [];
});

describe('the EHLO name', () => {
  it.each([
    // each row: HERALD_SMTP_NAME, the machine's host name, the name herald greets with
    [undefined, 'mailer.shop.example', 'mailer.shop.example'], // a host name with a dot is used
    [undefined, 'buildbox', undefined], // without a dot: nodemailer's own ([127.0.0.1])
    [undefined, '10.0.0.5', '[10.0.0.5]'], // an address becomes an address literal
    ['', 'buildbox', undefined], // empty: as if unset
    ['mail.shop.example', 'buildbox', 'mail.shop.example'], // HERALD_SMTP_NAME wins
    [' relay-out.corp.example ', 'x.example', 'relay-out.corp.example'], // trimmed
    ['[192.0.2.1]', 'buildbox', '[192.0.2.1]'], // an address literal
    ['[IPv6:2001:db8::1]', 'buildbox', '[IPv6:2001:db8::1]'],
  ])('HERALD_SMTP_NAME=%j on %s -> %s', (configured, host, expected) => {
    expect(ehloName(configured, host)).toBe(expected);
  });

  it.each([['bad name'], ['-x.example'], ['[not-an-ip]'], ['mail.shop.example\r\nX: y']])('refuses HERALD_SMTP_NAME=%j naming the variable', (value) => {
    expect(() => ehloName(value, 'host')).toThrow(ConfigError);
    expect(() => ehloName(value, 'host')).toThrow(/^HERALD_SMTP_NAME '/);
  });
});

/** A folder with a template attaching two text files, one UTF-8, one GBK; and a simulator saving to outbox/. */
async function campaign() {
  const { dir, cleanup } = tempDir();
  closers.push(cleanup);
  const outbox = join(dir, 'outbox');
  const sim = await simulator({ save: outbox });
  closers.push(() => sim.close());
  mkdirSync(join(dir, 'files'));
  writeFileSync(join(dir, 'files', 'note-utf8.txt'), '你好，Zoë\n');
  writeFileSync(join(dir, 'files', 'note-gbk.txt'), Buffer.from([0xc4, 0xe3, 0xba, 0xc3, 0x0a])); // 你好 in GBK
  writeFileSync(join(dir, 'note.txt'), 'From: news@shop.example\nSubject: Hi\nAttachment: files/note-utf8.txt\nAttachment: files/note-gbk.txt\n\nHello\n');
  writeFileSync(join(dir, 'people.csv'), 'email\nann@example.com\n');
  return { dir, sim };
}

describe('herald send --channel email: EHLO name and attachment charset', () => {
  it('greets with HERALD_SMTP_NAME, and marks a UTF-8 text attachment charset=utf-8 (and only that one)', async () => {
    const { dir, sim } = await campaign();
    const run = await runHerald(['send', 'people.csv', '--channel', 'email', '--template', 'note.txt'], { cwd: dir, env: { ...sim.env, HERALD_SMTP_NAME: 'mail.shop.example' } });
    expect(run.code, run.stderr).toBe(0);
    const [received] = sim.received();
    expect(received!.helo).toBe('mail.shop.example');
    const mail = await parseEml(received!.file!);
    expect(mail.headerLines.find((h) => h.key === 'received')?.line).toMatch(/^Received: from mail\.shop\.example \(\[/);
    const types = Object.fromEntries(mail.attachments.map((a) => [a.filename, a.headers.get('content-type')]));
    expect(types['note-utf8.txt']).toMatchObject({ value: 'text/plain', params: { charset: 'utf-8' } });
    expect(types['note-gbk.txt']).toMatchObject({ value: 'text/plain' });
    expect((types['note-gbk.txt'] as { params: Record<string, string> }).params.charset).toBeUndefined();
    expect(mail.attachments.find((a) => a.filename === 'note-utf8.txt')!.content.toString('utf8')).toBe('你好，Zoë\n');
  });

  it('refuses a HERALD_SMTP_NAME that is no domain (exit 2, one line)', async () => {
    const { dir, sim } = await campaign();
    const run = await runHerald(['send', 'people.csv', '--channel', 'email', '--template', 'note.txt'], { cwd: dir, env: { ...sim.env, HERALD_SMTP_NAME: 'my laptop' } });
    expect(run.code).toBe(2);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain("HERALD_SMTP_NAME 'my laptop': expected this machine's domain name");
    expect(sim.counters().connections).toBe(0);
  });
});
