import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/errors.js';
import { messageIdFor } from '../../../src/channels/email/wire.js';
import { emailChannel, emailSetup, folderWith, prepared } from './helpers.js';

const TEXT = 'From: Shop News <news@shop.example>\nSubject: Welcome, {{name}}!\n\nHello {{name}},\nyour code is {{code}}.\n';
let cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups) cleanup();
  cleanups = [];
});

/** A channel in --dry-run over a folder holding `files`, with extra options. */
async function channelFor(files: Readonly<Record<string, string>>, options: Readonly<Record<string, unknown>> = {}) {
  const folder = folderWith(files);
  cleanups.push(folder.cleanup);
  const template = Object.keys(files)[0]!;
  const channel = await emailChannel(emailSetup(folder.dir, { template, ...options }, {}, { dryRun: true }));
  return { channel, dir: folder.dir };
}

async function configError(files: Readonly<Record<string, string>>, options: Readonly<Record<string, unknown>> = {}) {
  const error = await channelFor(files, options).then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).message;
}

describe('email templates: header lines', () => {
  it('renders headers and body from a row, the recipient from the --to field', async () => {
    const { channel } = await channelFor({ 'welcome.txt': TEXT });
    const message = prepared(channel, { email: '张三 <zhangsan@example.com>', name: '张三', code: 'A1' });
    expect(message.from).toEqual({ name: 'Shop News', address: 'news@shop.example' });
    expect(message.to).toEqual({ name: '张三', address: 'zhangsan@example.com' });
    expect(message.subject).toBe('Welcome, 张三!');
    expect(message.text).toBe('Hello 张三,\nyour code is A1.\n');
    expect(message.html).toBeNull();
  });

  it.each([
    // each row: template text, the part of the error that names what to fix
    ['Subject: Hi\n\nbody', "has no 'From:' line"],
    ['From: a@shop.example\n\nbody', "has no 'Subject:' line"],
    ['From: a@shop.example\nSubject: Hi\nDate: today\n\nbody', "line 3: header 'Date' cannot be set in a template (herald sets it itself)"],
    ['From: a@shop.example\nSubject: Hi\nOrganisation: x\n\nbody', "line 3: header 'Organisation' cannot be set"],
    ['From: a@shop.example\nSubject: Hi\nSubject: Ho\n\nbody', "line 3: 'Subject' is given twice"],
    ['From: a@shop.example\nHello there\n\nbody', "line 2: expected a header line such as 'Subject: …'"],
    ['\nHello', 'a template starts with header lines'],
    ['From: news@shop\nSubject: Hi\n\nbody', "'news@shop' is not a valid email address: it has a domain without a dot"],
    ['From: a@shop.example, b@shop.example\nSubject: Hi\n\nbody', "'From' must name one address"],
    ['From: a@shop.example\nSubject: Hi {{name\n\nbody', "'{{' without a matching '}}'"],
    ['From: a@shop.example\nCc: team: a@b.example, c@d.example;\nSubject: Hi\n\nbody', 'address groups are not supported'],
  ])('refuses a malformed template: %j', async (template, expected) => {
    expect(await configError({ 'welcome.txt': template })).toContain(expected);
  });

  it('continues a folded header line and keeps X- headers and List-Unsubscribe (URL-encoded values)', async () => {
    const { channel } = await channelFor({
      'welcome.txt':
        'From: a@shop.example\nSubject: A long\n  subject for {{name}}\nX-Campaign: spring {{name}}\n' +
        'List-Unsubscribe: <https://shop.example/unsub?u={{email}}>\n\nbody',
    });
    const message = prepared(channel, { email: 'ann+x@example.com', name: 'Ann Lee' });
    expect(message.subject).toBe('A long subject for Ann Lee');
    expect(message.headers).toEqual([
      { key: 'X-Campaign', value: 'spring Ann Lee' },
      { key: 'List-Unsubscribe', value: '<https://shop.example/unsub?u=ann%2Bx%40example.com>' },
    ]);
  });
});

describe('email templates: recipients and injection', () => {
  it.each([
    // each row: the --to field's value, the reason's telling part
    ['ann.example.com', "field 'email' is not an email address"],
    ['ann@example', "'ann@example' has a domain without a dot"],
    ['ann@@example.com', 'not allowed before the @'],
    ['a@x.com, evil@x.com', 'holds 2 addresses'],
    ['', "field 'email' is empty"],
    ['ann@example.com\r\nBcc: x@evil.example', 'holds a line break'],
    ['ann@[10.0.0.1]', 'names an IP address'],
  ])('marks a row with a bad address invalid: %j', async (email, reason) => {
    const { channel } = await channelFor({ 'welcome.txt': TEXT });
    const result = channel.prepare({ email, name: 'Ann', code: '1' });
    expect(result.ok).toBe(false);
    expect(result.ok ? '' : result.reason).toContain(reason);
  });

  it('refuses a value with a line break in any header, and keeps it harmlessly in the body', async () => {
    const { channel } = await channelFor({ 'welcome.txt': TEXT });
    const evil = 'Ann\r\nBcc: x@evil.example';
    const inSubject = channel.prepare({ email: 'ann@example.com', name: evil, code: '1' });
    expect(inSubject).toEqual({ ok: false, reason: expect.stringContaining("field 'name' holds a line break") });

    const { channel: bodyOnly } = await channelFor({ 'welcome.txt': 'From: a@shop.example\nSubject: Hi\n\nHello {{name}}' });
    const message = prepared(bodyOnly, { email: 'ann@example.com', name: evil });
    expect(message.text).toBe(`Hello ${evil}`);
    expect(message.bcc).toEqual([]);
    expect(message.cc).toEqual([]);
  });

  it('lets a value fill one display name or one address, never add a recipient', async () => {
    const { channel } = await channelFor({
      'welcome.txt': 'From: {{shop}} <news@shop.example>\nCc: {{boss_name}} <{{boss}}>\nBcc: {{audit}}\nSubject: Hi\n\nbody',
    });
    const fine = prepared(channel, { email: 'a@x.com', shop: 'Shop, Inc. <evil@x.com>', boss_name: 'Smith, John', boss: 'j@x.com', audit: 'Audit <au@x.com>' });
    expect(fine.from).toEqual({ name: 'Shop, Inc. <evil@x.com>', address: 'news@shop.example' });
    expect(fine.cc).toEqual([{ name: 'Smith, John', address: 'j@x.com' }]);
    expect(fine.bcc).toEqual([{ name: 'Audit', address: 'au@x.com' }]);

    const twoInAddress = channel.prepare({ email: 'a@x.com', shop: 'S', boss_name: 'B', boss: 'j@x.com, evil@x.com', audit: 'au@x.com' });
    expect(twoInAddress).toEqual({ ok: false, reason: expect.stringContaining("'j@x.com, evil@x.com' is not a valid email address") });
    const twoInWhole = channel.prepare({ email: 'a@x.com', shop: 'S', boss_name: 'B', boss: 'j@x.com', audit: 'au@x.com, evil@x.com' });
    expect(twoInWhole).toEqual({ ok: false, reason: expect.stringContaining("field 'audit' holds 2 addresses") });
  });

  it('accepts a To line that names the row recipient, refuses one that names another', async () => {
    const { channel } = await channelFor({ 'welcome.txt': 'From: a@shop.example\nTo: {{name}} <{{email}}>\nSubject: Hi\n\nbody' });
    expect(prepared(channel, { email: 'li@example.com', name: '李四' }).to).toEqual({ name: '李四', address: 'li@example.com' });
    const { channel: other } = await channelFor({ 'welcome.txt': 'From: a@shop.example\nTo: {{name}} <{{other}}>\nSubject: Hi\n\nbody' });
    const result = other.prepare({ email: 'li@example.com', name: 'Li', other: 'x@example.com' });
    expect(result).toEqual({ ok: false, reason: expect.stringContaining("is not the row's recipient 'li@example.com'") });
  });

  it('names the missing field of a row', async () => {
    const { channel } = await channelFor({ 'welcome.txt': TEXT });
    expect(channel.prepare({ email: 'a@x.com', name: 'Ann' })).toEqual({ ok: false, reason: expect.stringContaining('{{code}}') });
    expect(channel.prepare({ name: 'Ann', code: '1' })).toEqual({ ok: false, reason: expect.stringContaining("no 'email' field") });
  });
});

describe('email templates: body parts', () => {
  const HTML = 'From: a@shop.example\nSubject: Hi\n\n<h1>Hello {{name}}</h1><p>Order <a href="https://shop.example/o?id={{order}}">{{order}}</a></p>';

  it('sends .html as HTML (values escaped) with a text part derived from it (values as they are)', async () => {
    const { channel } = await channelFor({ 'welcome.html': HTML });
    const message = prepared(channel, { email: 'a@x.com', name: 'Tom & <Jerry>', order: '7"x' });
    expect(message.html).toBe('<h1>Hello Tom &amp; &lt;Jerry&gt;</h1><p>Order <a href="https://shop.example/o?id=7&quot;x">7&quot;x</a></p>');
    // html-to-text capitalises headings; a value keeps its own case.
    expect(message.text).toContain('HELLO Tom & <Jerry>');
    expect(message.text).toContain('[https://shop.example/o?id=7"x]');
  });

  it('takes the text part from --text when given', async () => {
    const { channel } = await channelFor({ 'welcome.html': HTML, 'welcome.txt': 'Plain hello {{name}}' }, { text: 'welcome.txt' });
    const message = prepared(channel, { email: 'a@x.com', name: 'Ann', order: '1' });
    expect(message.text).toBe('Plain hello Ann');
    expect(message.html).toContain('<h1>Hello Ann</h1>');
  });

  it('renders .md to HTML (values escaped, placeholders in links kept) and sends the source as text', async () => {
    const { channel } = await channelFor({
      'welcome.md': 'From: a@shop.example\nSubject: Hi\n\n# Hello {{name}}\n\nSee [your order](https://shop.example/o?id={{order}}) *now*.\n',
    });
    const message = prepared(channel, { email: 'a@x.com', name: '<b>Ann</b>', order: '42' });
    expect(message.html).toContain('<h1>Hello &lt;b&gt;Ann&lt;/b&gt;</h1>');
    expect(message.html).toContain('<a href="https://shop.example/o?id=42">your order</a> <em>now</em>');
    expect(message.text).toBe('# Hello <b>Ann</b>\n\nSee [your order](https://shop.example/o?id=42) *now*.\n');
  });

  it('builds multipart/alternative from --text and --html under a header-only template', async () => {
    const { channel } = await channelFor(
      { 'headers.txt': 'From: a@shop.example\nSubject: Hi {{name}}\n', 'a.txt': 'Hi {{name}}', 'a.html': '<p>Hi {{name}}</p>' },
      { text: 'a.txt', html: 'a.html' },
    );
    const message = prepared(channel, { email: 'a@x.com', name: 'Ann' });
    expect([message.text, message.html]).toEqual(['Hi Ann', '<p>Hi Ann</p>']);
  });

  it.each([
    // each row: files, options, what the error says
    [{ 'w.txt': TEXT, 'b.txt': 'x' }, { text: 'b.txt' }, '--text: the body of w.txt is already the text part'],
    [{ 'w.html': 'From: a@shop.example\nSubject: S\n\n<p>x</p>', 'b.html': 'x' }, { html: 'b.html' }, '--html: the body of w.html is already the HTML part'],
    [{ 'w.tmpl': 'From: a@shop.example\nSubject: S\n\nbody' }, {}, '.txt (text), .html (HTML) or .md (Markdown)'],
    [{ 'w.txt': 'From: a@shop.example\nSubject: S\n' }, {}, 'has no body'],
    [{ 'w.txt': TEXT }, { html: 'missing.html' }, '--html missing.html: cannot read the file (no such file)'],
    [{ 'w.txt': TEXT }, { maxMessages: '0' }, '--max-messages must be a whole number of at least 1'],
  ])('refuses conflicting or missing parts: %j %j', async (files, options, expected) => {
    expect(await configError(files, options)).toContain(expected);
  });

  it('needs --template', async () => {
    const folder = folderWith({});
    cleanups.push(folder.cleanup);
    const error = await emailChannel(emailSetup(folder.dir, {}, {}, { dryRun: true })).catch((e: unknown) => e);
    expect(String(error)).toContain('--channel email needs --template FILE');
  });
});

describe('email templates: attachments', () => {
  const files = {
    'mail/invoice.txt': 'From: a@shop.example\nSubject: Invoice\nAttachment: invoices/{{file}}\nAttachment: terms.txt\n\nSee attached.',
    'mail/terms.txt': 'terms',
    'mail/invoices/1001.pdf': '%PDF-1.4 fake',
    'secret.txt': 'do not send',
  };

  it('attaches files inside the template folder, the fixed ones checked once', async () => {
    const { channel, dir } = await channelFor(files);
    const message = prepared(channel, { email: 'a@x.com', file: '1001.pdf' });
    expect(message.attachments.map((a) => [a.filename, a.size])).toEqual([['1001.pdf', 13], ['terms.txt', 5]]);
    expect(message.attachments[0]!.path).toBe(join(dir, 'mail/invoices/1001.pdf'));
  });

  it.each([
    // each row: the field's value, the reason
    ['../../secret.txt', "Attachment 'invoices/../../secret.txt' is outside the template's folder"],
    ['../../../../../../etc/passwd', 'is outside the template\'s folder'],
    ['nope.pdf', "Attachment 'invoices/nope.pdf' does not exist"],
    ['.', "Attachment 'invoices/.' is not a file"],
  ])('marks the row invalid for %j', async (file, reason) => {
    const { channel } = await channelFor(files);
    expect(channel.prepare({ email: 'a@x.com', file })).toEqual({ ok: false, reason: expect.stringContaining(reason) });
  });

  it('refuses a symbolic link that leads out of the folder, and attaches nothing for an empty line', async () => {
    const { channel, dir } = await channelFor({ 'mail/t.txt': 'From: a@shop.example\nSubject: S\nAttachment: {{file}}\n\nbody', 'secret.txt': 'x' });
    symlinkSync(join(dir, 'secret.txt'), join(dir, 'mail/link.txt'));
    expect(channel.prepare({ email: 'a@x.com', file: 'link.txt' })).toEqual({ ok: false, reason: expect.stringContaining('links outside') });
    expect(prepared(channel, { email: 'a@x.com', file: '' }).attachments).toEqual([]);
  });

  it('refuses a fixed attachment outside the folder before sending anything', async () => {
    const message = await configError({ 'mail/t.txt': 'From: a@shop.example\nSubject: S\nAttachment: ../secret.txt\n\nbody', 'secret.txt': 'x' });
    expect(message).toContain("Attachment '../secret.txt' is outside the template's folder");
  });
});

describe('email messages on the wire', () => {
  it('derives the Message-ID from the idempotency key and the From domain, hashing keys that cannot stand in one', () => {
    const from = { name: '', address: 'news@shop.example' };
    expect(messageIdFor('c1f3.row-42', from)).toBe('<c1f3.row-42@shop.example>');
    expect(messageIdFor('c1f3.row-42', from)).toBe(messageIdFor('c1f3.row-42', from));
    const odd = messageIdFor('campaign/张三 <x>', from);
    expect(odd).toMatch(/^<[0-9a-f]{40}@shop\.example>$/);
    expect(messageIdFor('campaign/张三 <y>', from)).not.toBe(odd);
    expect(messageIdFor('k', { name: '', address: 'a@bücher.example' })).toBe('<k@xn--bcher-kva.example>');
  });

  it('describes the envelope, the encoded headers and each part for --dry-run', async () => {
    const { channel } = await channelFor({
      'w.html': 'From: 商店 <news@shop.example>\nBcc: audit@shop.example\nSubject: 欢迎 {{name}}\n\n<p>你好 {{name}}</p>',
    });
    const text = channel.describe(prepared(channel, { email: '张三 <zhangsan@example.com>', name: '张三' }), 'key-1');
    expect(text).toContain('MAIL FROM:<news@shop.example>\nRCPT TO:<zhangsan@example.com>\nRCPT TO:<audit@shop.example>');
    expect(text).toContain('Subject: =?UTF-8?');
    expect(text).toContain('To: =?UTF-8?B?5byg5LiJ?= <zhangsan@example.com>');
    expect(text).toContain('Message-ID: <key-1@shop.example>');
    expect(text).not.toContain('Bcc:');
    expect(text).toContain('Content-Type: multipart/alternative');
    expect(text).toContain('<p>你好 张三</p>');
  });

  it('needs HERALD_SMTP_URL to send but not for --dry-run', async () => {
    const folder = folderWith({ 'w.txt': TEXT });
    cleanups.push(folder.cleanup);
    const error = await emailChannel(emailSetup(folder.dir, { template: 'w.txt' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect(String(error)).toContain('HERALD_SMTP_URL is not set');
    await expect(emailChannel(emailSetup(folder.dir, { template: 'w.txt' }, {}, { dryRun: true }))).resolves.toBeDefined();
  });
});
