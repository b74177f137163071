/**
 * The header lines of an email template, compiled once: which headers a template may set, how
 * each one's placeholders are escaped, and the checks that need no row (From and Subject
 * present, fixed addresses valid, no header given twice).
 */
import { ConfigError } from '../../errors.js';
import { headerValue, urlComponent } from '../../render/escape.js';
import { compileTemplate, type Template } from '../../render/template.js';
import { compileAddressTemplate, type AddressTemplate } from './address-template.js';
import type { TemplateFile, TemplateHeader } from './template-file.js';

/** A header copied to the message with its value templated (X-…, List-Unsubscribe…). */
export interface ExtraHeader {
  readonly key: string;
  readonly value: Template;
}

/** The compiled header lines of a template. */
export interface HeaderTemplates {
  readonly from: AddressTemplate;
  /** Optional To line (`{{name}} <{{email}}>`); it must name the row's recipient. */
  readonly to: AddressTemplate | null;
  readonly subject: Template;
  readonly replyTo: AddressTemplate | null;
  readonly cc: AddressTemplate | null;
  readonly bcc: AddressTemplate | null;
  readonly extra: readonly ExtraHeader[];
  /** `Attachment:` lines: paths relative to the template's folder. */
  readonly attachments: readonly Template[];
}

const ADDRESS_HEADERS = ['From', 'To', 'Reply-To', 'Cc', 'Bcc'] as const;
type AddressHeader = (typeof ADDRESS_HEADERS)[number];
/** Headers copied as they are written, their placeholders percent-encoded (they hold URLs). */
const URL_HEADERS = ['List-Unsubscribe', 'List-Unsubscribe-Post'];
const SINGLE = ['From', 'To', 'Subject', 'Reply-To', 'Cc', 'Bcc', ...URL_HEADERS];
const SET_BY_HERALD = new Set(['date', 'message-id', 'mime-version', 'content-type', 'content-transfer-encoding']);
const ALLOWED = `${[...ADDRESS_HEADERS, 'Subject', 'Attachment', ...URL_HEADERS].join(', ')}, X-…`;

/** The canonical spelling of a header herald knows, or null. */
function canonical(name: string): string | null {
  const lower = name.toLowerCase();
  return [...SINGLE, 'Attachment'].find((known) => known.toLowerCase() === lower) ?? null;
}

function refuse(file: TemplateFile, header: TemplateHeader, why: string): never {
  throw new ConfigError(`${file.name} line ${header.line}: ${why}`);
}

/** Compile a template's header lines; throws ConfigError naming the file, line and header. */
export function compileHeaders(file: TemplateFile): HeaderTemplates {
  const address = new Map<AddressHeader, AddressTemplate>();
  const extra: ExtraHeader[] = [];
  const attachments: Template[] = [];
  const seen = new Set<string>();
  let subject: Template | null = null;
  for (const header of file.headers) {
    const known = canonical(header.name);
    const label = `${file.name} ${known ?? header.name}`;
    if (known === null) {
      if (!header.name.toLowerCase().startsWith('x-')) {
        const why = SET_BY_HERALD.has(header.name.toLowerCase()) ? 'herald sets it itself' : `allowed: ${ALLOWED}`;
        refuse(file, header, `header '${header.name}' cannot be set in a template (${why})`);
      }
      extra.push({ key: header.name, value: compileTemplate(header.value, label, { escape: headerValue }) });
      continue;
    }
    if (SINGLE.includes(known)) {
      if (seen.has(known)) refuse(file, header, `'${known}' is given twice`);
      seen.add(known);
    }
    if (known === 'Subject') {
      subject = compileTemplate(header.value, label, { escape: headerValue });
    } else if (known === 'Attachment') {
      attachments.push(compileTemplate(header.value, label, { escape: headerValue }));
    } else if (URL_HEADERS.includes(known)) {
      extra.push({ key: known, value: compileTemplate(header.value, label, { escape: urlComponent }) });
    } else {
      const compiled = compileAddressTemplate(header.value, label);
      if (compiled.count === 0) refuse(file, header, `'${known}' names no address`);
      if ((known === 'From' || known === 'To') && compiled.count > 1) refuse(file, header, `'${known}' must name one address`);
      address.set(known as AddressHeader, compiled);
    }
  }
  const from = address.get('From');
  if (!from) throw new ConfigError(`${file.name}: the template has no 'From:' line (e.g. From: Shop News <news@shop.example>)`);
  if (!subject) throw new ConfigError(`${file.name}: the template has no 'Subject:' line`);
  return {
    from,
    to: address.get('To') ?? null,
    subject,
    replyTo: address.get('Reply-To') ?? null,
    cc: address.get('Cc') ?? null,
    bcc: address.get('Bcc') ?? null,
    extra,
    attachments,
  };
}
