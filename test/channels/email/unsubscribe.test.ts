// --unsubscribe URL: List-Unsubscribe (values percent-encoded) and, for https, RFC 8058's
// List-Unsubscribe-Post; checked as compiled headers, then in the .eml the simulator saves.
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { compileUnsubscribe } from '../../../src/channels/email/unsubscribe.js';
import { ConfigError } from '../../../src/errors.js';
import { runHerald, tempDir } from '../../helpers/cli.js';
import { lastByKey } from '../../helpers/files.js';
import { emailChannel, emailSetup, folderWith, parseEml, simulator } from './helpers.js';

const TEMPLATE = 'From: Shop News <news@shop.example>\nSubject: Hi {{name}}\n\nHello {{name}}\n';
let closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const close of closers.reverse()) await close();
  closers = [];
});

function headersFor(url: string, fields: Record<string, string>) {
  const warnings: string[] = [];
  const rendered = compileUnsubscribe(url, (line) => warnings.push(line)).render(fields);
  return { rendered, warnings };
}

describe('--unsubscribe: the headers', () => {
  it.each([
    // each row: the URL as typed, the row, the List-Unsubscribe value, whether the one-click Post header goes with it
    // https: one-click; the address is one URL component (@ and + encoded)
    ['https://shop.example/u?e={{email}}', { email: 'a+b@x.com' }, '<https://shop.example/u?e=a%2Bb%40x.com>', true],
    // a value cannot add a parameter or leave the query: & = # / are encoded
    ['https://shop.example/u?e={{email}}&c=spring', { email: 'x@y.com&admin=1#/../' }, '<https://shop.example/u?e=x%40y.com%26admin%3D1%23%2F..%2F&c=spring>', true],
    // non-ASCII values are UTF-8, percent-encoded
    ['https://shop.example/u/{{name}}', { name: '张三 Zoë' }, '<https://shop.example/u/%E5%BC%A0%E4%B8%89%20Zo%C3%AB>', true],
    // a space or non-ASCII typed into the URL is encoded; %XX typed stays as it is
    ['https://shop.example/désabonner?list=news%20fr', {}, '<https://shop.example/d%C3%A9sabonner?list=news%20fr>', true],
    // a port is part of the typed host
    ['https://shop.example:8443/u?id={{id}}', { id: '7' }, '<https://shop.example:8443/u?id=7>', true],
    // mailto: no one-click header (RFC 8058 is for https)
    ['mailto:leave@shop.example?subject=unsubscribe%20{{email}}', { email: 'a@x.com' }, '<mailto:leave@shop.example?subject=unsubscribe%20a%40x.com>', false],
    // http: allowed, without the one-click header (and a warning, below)
    ['http://shop.example/u?e={{email}}', { email: 'a@x.com' }, '<http://shop.example/u?e=a%40x.com>', false],
  ])('%s', (url, fields, value, oneClick) => {
    const { rendered } = headersFor(url, fields);
    expect(rendered).toEqual({
      ok: true,
      headers: [{ key: 'List-Unsubscribe', value }, ...(oneClick ? [{ key: 'List-Unsubscribe-Post', value: 'List-Unsubscribe=One-Click' }] : [])],
    });
  });

  it('warns once, at compile time, that a plain http URL gets no one-click header', () => {
    expect(headersFor('http://shop.example/u?e={{email}}', { email: 'a@x.com' }).warnings).toEqual([
      '--unsubscribe http://shop.example/u is plain http: mailbox providers offer one-click unsubscribe only for https, so List-Unsubscribe-Post is left out',
    ]);
    expect(headersFor('https://shop.example/u', {}).warnings).toEqual([]);
  });

  it.each([
    // each row: a URL refused as a configuration error naming the flag
    ['ftp://shop.example/u'], // another scheme
    ['javascript:alert(1)'], // not a URL a provider follows
    ['shop.example/u?e={{email}}'], // no scheme
    ['https://{{host}}/u'], // the host must be written out
    ['https://shop.example{{suffix}}/u'], // a value may not extend the host
    ['mailto:'], // nothing after mailto:
  ])('refuses %s', (url) => {
    expect(() => compileUnsubscribe(url, () => undefined)).toThrow(ConfigError);
    expect(() => compileUnsubscribe(url, () => undefined)).toThrow(/^--unsubscribe '/);
  });

  it('makes a row without the field invalid, naming it', () => {
    expect(headersFor('https://shop.example/u?e={{email}}', {}).rendered).toEqual({ ok: false, reason: '--unsubscribe uses {{email}}, which this row lacks' });
  });

  it('refuses a template that sets List-Unsubscribe itself, and lists the fields it uses', async () => {
    const folder = folderWith({ 'own.txt': `From: a@shop.example\nSubject: x\nList-Unsubscribe: <https://shop.example/u>\n\nbody\n`, 'plain.txt': TEMPLATE });
    closers.push(folder.cleanup);
    const refused = await emailChannel(emailSetup(folder.dir, { template: 'own.txt', unsubscribe: 'https://shop.example/x' }, {}, { dryRun: true })).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConfigError);
    expect((refused as Error).message).toBe('--unsubscribe: own.txt has its own List-Unsubscribe line; keep one of the two');
    const channel = await emailChannel(emailSetup(folder.dir, { template: 'plain.txt', unsubscribe: 'https://shop.example/u?e={{email}}&l={{list}}' }, {}, { dryRun: true }));
    expect(channel.templateFields!()).toEqual([
      { field: 'name', where: '--template plain.txt' },
      { field: 'email', where: '--unsubscribe' },
      { field: 'list', where: '--unsubscribe' },
    ]);
  });
});

/** A folder with note.txt and people.csv (`csv`), and a simulator saving to outbox/; all closed after the test. */
async function campaign(csv: string) {
  const { dir, cleanup } = tempDir();
  closers.push(cleanup);
  const outbox = join(dir, 'outbox');
  const sim = await simulator({ save: outbox });
  closers.push(() => sim.close());
  writeFileSync(join(dir, 'note.txt'), TEMPLATE);
  writeFileSync(join(dir, 'people.csv'), csv);
  return { dir, outbox, sim };
}

describe('herald send --channel email --unsubscribe', () => {
  it('puts List-Unsubscribe and List-Unsubscribe-Post in every message, values percent-encoded (exit 0)', async () => {
    const { dir, outbox, sim } = await campaign('email,name\nann+news@example.com,Ann\nzhang@example.com,张三\n');
    const url = 'https://shop.example/unsubscribe?email={{email}}&name={{name}}';
    const run = await runHerald(['send', 'people.csv', '--channel', 'email', '--template', 'note.txt', '--unsubscribe', url], { cwd: dir, env: sim.env });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/warning|plain http/i);
    const mails = await Promise.all(readdirSync(outbox).map((file) => parseEml(join(outbox, file))));
    // Header lines unfolded (nodemailer folds a long one after the colon, as RFC 5322 allows).
    const lines = (mail: (typeof mails)[number], key: string) => mail.headerLines.filter((h) => h.key === key).map((h) => h.line.replace(/\r?\n[ \t]+/g, ' '));
    const byTo = new Map(mails.map((mail) => [mail.to && !Array.isArray(mail.to) ? mail.to.value[0]!.address : '', mail]));
    expect(lines(byTo.get('ann+news@example.com')!, 'list-unsubscribe')).toEqual([
      'List-Unsubscribe: <https://shop.example/unsubscribe?email=ann%2Bnews%40example.com&name=Ann>',
    ]);
    expect(lines(byTo.get('zhang@example.com')!, 'list-unsubscribe')).toEqual([
      'List-Unsubscribe: <https://shop.example/unsubscribe?email=zhang%40example.com&name=%E5%BC%A0%E4%B8%89>',
    ]);
    for (const mail of mails) expect(lines(mail, 'list-unsubscribe-post')).toEqual(['List-Unsubscribe-Post: List-Unsubscribe=One-Click']);
    expect([...lastByKey(join(dir, 'people.csv.results.jsonl')).values()].map((r) => r.status)).toEqual(['sent', 'sent']);
  });

  it('sends a plain http URL without the one-click header, warning once; refuses another scheme (exit 2)', async () => {
    const { dir, outbox, sim } = await campaign('email,name\nann@example.com,Ann\nbob@example.com,Bob\n');
    const args = ['send', 'people.csv', '--channel', 'email', '--template', 'note.txt'];
    const http = await runHerald([...args, '--unsubscribe', 'http://shop.example/u?e={{email}}'], { cwd: dir, env: sim.env });
    expect(http.code, http.stderr).toBe(0);
    expect(http.stderr.match(/is plain http/g)).toHaveLength(1);
    for (const file of readdirSync(outbox)) {
      const mail = await parseEml(join(outbox, file));
      expect(mail.headerLines.map((h) => h.key)).toContain('list-unsubscribe');
      expect(mail.headerLines.map((h) => h.key)).not.toContain('list-unsubscribe-post');
    }
    const ftp = await runHerald([...args, '--unsubscribe', 'ftp://shop.example/u', '--out', join(dir, 'other.jsonl')], { cwd: dir, env: sim.env });
    expect(ftp.code).toBe(2);
    expect(ftp.stderr.trim().split('\n')).toHaveLength(1);
    expect(ftp.stderr).toContain("--unsubscribe 'ftp://shop.example/u': expected an https:// URL");
  });
});
