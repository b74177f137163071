/**
 * Email addresses: parse one mailbox (`张三 <zhangsan@example.com>` or a bare address) and check
 * the address's syntax, saying what is wrong in words a user can act on.
 */
import addressparser from 'nodemailer/lib/addressparser';

/** One mailbox: a display name (may be empty) and an address. */
export interface Mailbox {
  readonly name: string;
  readonly address: string;
}

/** A parsed mailbox, or why the text is not one. */
export type ParsedMailbox = { readonly ok: true; readonly mailbox: Mailbox } | { readonly ok: false; readonly reason: string };

const ATEXT = "[\\p{L}\\p{N}!#$%&'*+/=?^_`{|}~-]";
const LOCAL_PART = new RegExp(`^${ATEXT}+(?:\\.${ATEXT}+)*$`, 'u');
const DOMAIN_LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;
const NUMERIC = /^\d+$/;
const LINE_BREAK = /[\r\n]/;

/** Why an address (`local@domain`) is not one herald can send to, or null when it is fine. */
export function addressProblem(address: string): string | null {
  if (address === '') return 'is empty';
  const at = address.lastIndexOf('@');
  if (at === -1) return 'has no @';
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local === '') return 'has nothing before the @';
  if (local.length > 64) return 'has more than 64 characters before the @';
  if (!LOCAL_PART.test(local)) return 'has a character that is not allowed before the @ (or a misplaced dot)';
  if (domain === '') return 'has no domain after the @';
  if (domain.startsWith('[')) return 'names an IP address instead of a domain';
  const labels = domain.split('.');
  if (labels.length < 2) return `has a domain without a dot ('${domain}')`;
  if (labels.some((label) => !DOMAIN_LABEL.test(label))) return `has a malformed domain ('${domain}')`;
  if (NUMERIC.test(labels[labels.length - 1]!)) return `has a domain ending in a number ('${domain}')`;
  return null;
}

/** Parse text holding exactly one mailbox; `what` names it in the reason ("field 'email'"). */
export function parseMailbox(text: string, what: string): ParsedMailbox {
  if (LINE_BREAK.test(text)) return { ok: false, reason: `${what} holds a line break` };
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, reason: `${what} is empty` };
  const parsed = addressparser(trimmed);
  if (parsed.length !== 1) return { ok: false, reason: `${what} holds ${parsed.length} addresses ('${trimmed}'); one is allowed` };
  const entry = parsed[0]!;
  if ('group' in entry && entry.group !== undefined) return { ok: false, reason: `${what} holds a group ('${trimmed}'); one address is allowed` };
  const address = entry.address ?? '';
  if (address === '') return { ok: false, reason: `${what} is not an email address ('${trimmed}')` };
  const problem = addressProblem(address);
  if (problem !== null) return { ok: false, reason: `${what} is not a valid email address: '${address}' ${problem}` };
  return { ok: true, mailbox: { name: entry.name ?? '', address } };
}

/** The mailbox as one line for people (`张三 <zhangsan@example.com>`), unencoded. */
export function formatMailbox(mailbox: Mailbox): string {
  return mailbox.name === '' ? mailbox.address : `${mailbox.name} <${mailbox.address}>`;
}
