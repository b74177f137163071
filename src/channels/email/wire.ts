/**
 * From a rendered EmailMessage to what goes on the wire: nodemailer's structured message options
 * (addresses as objects, never raw header strings built from row values), a Message-ID derived
 * from the row's idempotency key, and the readable wire form `--dry-run` prints.
 */
import { createHash } from 'node:crypto';
import { domainToASCII } from 'node:url';
import MailComposer from 'nodemailer/lib/mail-composer';
import type MimeNode from 'nodemailer/lib/mime-node';
import type { SendMailOptions } from 'nodemailer/lib/mailer/mail-message';
import type { Mailbox } from './address.js';
import type { EmailMessage } from './message-template.js';

const DOT_ATOM = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const MAX_LOCAL = 64;

/**
 * The Message-ID for a row: `<idempotencyKey@from-domain>`, the same on every resume and retry,
 * so receivers can drop a copy sent twice. A key that is not a valid msg-id left part is hashed.
 */
export function messageIdFor(idempotencyKey: string, from: Mailbox): string {
  const left = DOT_ATOM.test(idempotencyKey) && idempotencyKey.length <= MAX_LOCAL
    ? idempotencyKey
    : createHash('sha256').update(idempotencyKey).digest('hex').slice(0, 40);
  const domain = domainToASCII(from.address.slice(from.address.lastIndexOf('@') + 1)) || 'herald.invalid';
  return `<${left}@${domain}>`;
}

const structured = (mailbox: Mailbox) => ({ name: mailbox.name, address: mailbox.address });

/** nodemailer's options for the message; addresses stay structured so values cannot add any. */
export function mailOptions(message: EmailMessage, idempotencyKey: string): SendMailOptions {
  return {
    from: structured(message.from),
    to: structured(message.to),
    ...(message.cc.length > 0 ? { cc: message.cc.map(structured) } : {}),
    ...(message.bcc.length > 0 ? { bcc: message.bcc.map(structured) } : {}),
    ...(message.replyTo.length > 0 ? { replyTo: message.replyTo.map(structured) } : {}),
    subject: message.subject,
    messageId: messageIdFor(idempotencyKey, message.from),
    headers: message.headers.map((header) => ({ key: header.key, value: header.value })),
    ...(message.text !== null ? { text: message.text } : {}),
    ...(message.html !== null ? { html: message.html } : {}),
    attachments: message.attachments.map((file) => ({ filename: file.filename, path: file.path, contentType: file.contentType })),
    disableUrlAccess: true,
  };
}

const CRLF = /\r\n/g;

function describeNode(node: MimeNode, message: EmailMessage, out: string[]): void {
  out.push(node.buildHeaders().replace(CRLF, '\n'), '');
  if (node.childNodes.length > 0) {
    for (const child of node.childNodes) {
      out.push(`--${String(node.boundary)}`);
      describeNode(child, message, out);
    }
    out.push(`--${String(node.boundary)}--`);
    return;
  }
  if (typeof node.content === 'string') {
    out.push(node.content);
    return;
  }
  const file = message.attachments.find((attachment) => attachment.filename === node.filename);
  out.push(`[${file ? `${file.size} bytes read from ${file.path}` : 'attachment'} when the message is sent]`);
}

/**
 * The message as it would go on the wire: the envelope, the headers as encoded, then each part
 * with its headers; bodies are shown decoded (on the wire they are quoted-printable or base64).
 */
export function describeMessage(message: EmailMessage, idempotencyKey: string): string {
  const root = new MailComposer(mailOptions(message, idempotencyKey)).compile();
  const envelope = root.getEnvelope();
  const out = [`MAIL FROM:<${envelope.from || ''}>`, ...envelope.to.map((to) => `RCPT TO:<${to}>`), ''];
  describeNode(root, message, out);
  return out.join('\n');
}
