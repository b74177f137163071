/**
 * An email template, loaded and compiled once per run (`--template`, `--text`, `--html`), and
 * rendered per row into an EmailMessage: the recipient checked, every header and part filled,
 * attachments resolved. A row that cannot become a message gets the reason.
 */
import { dirname, resolve } from 'node:path';
import type { Prepared, TemplateField } from '../channel.js';
import type { RowFields } from '../../input/row.js';
import { fieldText, findPlaceholders, type Template } from '../../render/template.js';
import { formatMailbox, parseMailbox, type Mailbox } from './address.js';
import type { AddressTemplate } from './address-template.js';
import { compileAttachments, type EmailAttachment } from './attachments.js';
import { compileBodies, type BodySource } from './body-templates.js';
import { compileHeaders } from './header-templates.js';
import { parseTemplate, readText } from './template-file.js';

/** One rendered email, ready to send; everything in it is already escaped or structured. */
export interface EmailMessage {
  readonly from: Mailbox;
  readonly to: Mailbox;
  readonly cc: readonly Mailbox[];
  readonly bcc: readonly Mailbox[];
  readonly replyTo: readonly Mailbox[];
  readonly subject: string;
  /** Extra headers (X-…, List-Unsubscribe…), values without line breaks. */
  readonly headers: readonly { readonly key: string; readonly value: string }[];
  readonly text: string | null;
  readonly html: string | null;
  readonly attachments: readonly EmailAttachment[];
}

/** The template files, as the user named them, and the folder they are relative to. */
export interface TemplateFiles {
  readonly template: string;
  readonly text?: string;
  readonly html?: string;
  readonly cwd: string;
}

/** A compiled email template. */
export interface EmailTemplate {
  /** The header names the template sets, lower-cased ("subject", "list-unsubscribe"). */
  readonly headerNames: ReadonlySet<string>;
  /** Every `{{field}}` of the template and its --text/--html parts, with the flag and file it is in. */
  readonly fields: readonly TemplateField[];
  /** Render one row; `toField` holds the recipient. */
  render(fields: RowFields): Prepared<EmailMessage>;
}

/** Each field of `source` once, placed at `where`. */
export function fieldsOf(source: string, name: string, where: string): TemplateField[] {
  return [...new Set(findPlaceholders(source, name).map((p) => p.field))].map((field) => ({ field, where }));
}

type Step<T> = { ok: true; value: T } | { ok: false; reason: string };

function text(template: Template, fields: RowFields): Step<string> {
  const rendered = template.render(fields);
  return rendered.ok ? { ok: true, value: rendered.text } : rendered;
}

function mailboxes(template: AddressTemplate | null, fields: RowFields): Step<readonly Mailbox[]> {
  if (template === null) return { ok: true, value: [] };
  const rendered = template.render(fields);
  return rendered.ok ? { ok: true, value: rendered.mailboxes } : rendered;
}

/** Read and compile the template files; throws ConfigError naming the file, line or flag at fault. */
export function loadEmailTemplate(files: TemplateFiles, toField: string): EmailTemplate {
  const read = (flag: string, name: string): BodySource => ({ name, source: readText(resolve(files.cwd, name), flag, name) });
  const templatePath = resolve(files.cwd, files.template);
  const templateSource = read('--template', files.template).source;
  const file = parseTemplate(templateSource, files.template);
  const headers = compileHeaders(file);
  const textPart = files.text !== undefined ? read('--text', files.text) : undefined;
  const htmlPart = files.html !== undefined ? read('--html', files.html) : undefined;
  const bodies = compileBodies({
    templateFile: files.template,
    template: { name: `${files.template} (body)`, source: file.body },
    ...(textPart !== undefined ? { text: textPart } : {}),
    ...(htmlPart !== undefined ? { html: htmlPart } : {}),
  });
  const attachments = compileAttachments(headers.attachments, dirname(templatePath));

  return {
    headerNames: new Set(file.headers.map((header) => header.name.toLowerCase())),
    fields: [
      ...fieldsOf(templateSource, files.template, `--template ${files.template}`),
      ...(textPart !== undefined ? fieldsOf(textPart.source, textPart.name, `--text ${textPart.name}`) : []),
      ...(htmlPart !== undefined ? fieldsOf(htmlPart.source, htmlPart.name, `--html ${htmlPart.name}`) : []),
    ],
    render(fields) {
      const value = fields[toField];
      if (value === undefined) return { ok: false, reason: `the row has no '${toField}' field (the recipient, see --to)` };
      const recipient = parseMailbox(fieldText(value), `field '${toField}'`);
      if (!recipient.ok) return recipient;
      let to = recipient.mailbox;
      if (headers.to !== null) {
        const named = mailboxes(headers.to, fields);
        if (!named.ok) return named;
        const mailbox = named.value[0]!;
        if (mailbox.address.toLowerCase() !== to.address.toLowerCase()) {
          return { ok: false, reason: `To: '${formatMailbox(mailbox)}' is not the row's recipient '${to.address}' (field '${toField}')` };
        }
        to = mailbox;
      }
      const from = mailboxes(headers.from, fields);
      if (!from.ok) return from;
      const subject = text(headers.subject, fields);
      if (!subject.ok) return subject;
      const replyTo = mailboxes(headers.replyTo, fields);
      if (!replyTo.ok) return replyTo;
      const cc = mailboxes(headers.cc, fields);
      if (!cc.ok) return cc;
      const bcc = mailboxes(headers.bcc, fields);
      if (!bcc.ok) return bcc;
      const extra: { key: string; value: string }[] = [];
      for (const header of headers.extra) {
        const rendered = text(header.value, fields);
        if (!rendered.ok) return rendered;
        extra.push({ key: header.key, value: rendered.value });
      }
      const plain = bodies.text ? text(bodies.text, fields) : null;
      if (plain && !plain.ok) return plain;
      const html = bodies.html ? text(bodies.html, fields) : null;
      if (html && !html.ok) return html;
      const attached = attachments.render(fields);
      if (!attached.ok) return attached;
      return {
        ok: true,
        message: {
          from: from.value[0]!,
          to,
          cc: cc.value,
          bcc: bcc.value,
          replyTo: replyTo.value,
          subject: subject.value,
          headers: extra,
          text: plain ? plain.value : null,
          html: html ? html.value : null,
          attachments: attached.attachments,
        },
      };
    },
  };
}
