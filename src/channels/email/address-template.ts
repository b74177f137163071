/**
 * Address headers of a template (From, To, Reply-To, Cc, Bcc). The header's source is split
 * into mailboxes once, at compile time; a field's value then fills one display name or one
 * address and can never add a recipient: a name goes to nodemailer as a structured value
 * (quoted or RFC 2047-encoded there), an address must be exactly one valid address, and a
 * placeholder standing for a whole mailbox must hold exactly one.
 */
import addressparser from 'nodemailer/lib/addressparser';
import { ConfigError } from '../../errors.js';
import type { RowFields } from '../../input/row.js';
import { headerValue } from '../../render/escape.js';
import { compileTemplate, type Template } from '../../render/template.js';
import { addressProblem, parseMailbox, type Mailbox } from './address.js';
import { tokenizePlaceholders } from './placeholder-tokens.js';

/** Rendered mailboxes, or why the row cannot fill the header. */
export type RenderedAddresses =
  | { readonly ok: true; readonly mailboxes: readonly Mailbox[] }
  | { readonly ok: false; readonly reason: string };

/** A compiled address header. */
export interface AddressTemplate {
  /** How many mailboxes the header holds (each placeholder fills at most one). */
  readonly count: number;
  render(fields: RowFields): RenderedAddresses;
}

/** One mailbox of the header: a fixed one, a whole-mailbox placeholder, or a name and address to fill. */
type Slot =
  | { readonly kind: 'fixed'; readonly mailbox: Mailbox }
  | { readonly kind: 'whole'; readonly value: Template }
  | { readonly kind: 'parts'; readonly name: Template; readonly address: Template };

function renderSlot(slot: Slot, fields: RowFields, header: string): { ok: true; mailbox: Mailbox } | { ok: false; reason: string } {
  if (slot.kind === 'fixed') return { ok: true, mailbox: slot.mailbox };
  if (slot.kind === 'whole') {
    const value = slot.value.render(fields);
    if (!value.ok) return value;
    const field = slot.value.fields[0] ?? '';
    return parseMailbox(value.text, `${header}: field '${field}'`);
  }
  const name = slot.name.render(fields);
  if (!name.ok) return name;
  const address = slot.address.render(fields);
  if (!address.ok) return address;
  const problem = addressProblem(address.text);
  if (problem !== null) return { ok: false, reason: `${header}: '${address.text}' is not a valid email address: it ${problem}` };
  return { ok: true, mailbox: { name: name.text, address: address.text } };
}

/**
 * Compile the value of an address header. `name` prefixes messages ("welcome.html Cc").
 * Throws ConfigError when a fixed address is malformed or the header holds a group.
 */
export function compileAddressTemplate(source: string, name: string): AddressTemplate {
  const tokens = tokenizePlaceholders(source, name);
  const rule = { escape: headerValue };
  const slots: Slot[] = addressparser(tokens.text).map((entry) => {
    if (entry.group !== undefined) throw new ConfigError(`${name}: address groups are not supported ('${source.trim()}')`);
    const whole = entry.address === '' ? tokens.fieldOf(entry.name) : null;
    if (whole !== null) return { kind: 'whole', value: compileTemplate(`{{${whole}}}`, name, rule) };
    const display = tokens.restore(entry.name);
    const address = tokens.restore(entry.address);
    const nameTemplate = compileTemplate(display, name, rule);
    const addressTemplate = compileTemplate(address, name, rule);
    if (address === '') throw new ConfigError(`${name}: '${display}' is not an email address: it has no @`);
    if (addressTemplate.isConstant) {
      const problem = addressProblem(address);
      if (problem !== null) throw new ConfigError(`${name}: '${address}' is not a valid email address: it ${problem}`);
      if (nameTemplate.isConstant) return { kind: 'fixed', mailbox: { name: display, address } };
    }
    return { kind: 'parts', name: nameTemplate, address: addressTemplate };
  });
  return {
    count: slots.length,
    render(fields) {
      const mailboxes: Mailbox[] = [];
      for (const slot of slots) {
        const rendered = renderSlot(slot, fields, name);
        if (!rendered.ok) return rendered;
        mailboxes.push(rendered.mailbox);
      }
      return { ok: true, mailboxes };
    },
  };
}
