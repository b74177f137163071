/**
 * Suppression lists (`--suppress`): recipients never to send to, held as 64-bit hashes (a million
 * entries take 16–32 MB). Values are compared in one normal form on both sides: e-mail addresses
 * lower-cased, phone numbers in E.164 (numbers without a country code read as mainland Chinese,
 * as the SMS channels read them), anything else exactly. An entry may also name a row's key
 * (compared in the same form: a key that is an address or a number is one).
 */
import { checkPhone } from '../channels/sms/phone.js';
import { KeySet } from './key-set.js';
import { hash64 } from './string-hash.js';

/** Separators people write inside phone numbers. */
const PHONE_PUNCTUATION = /[\s\-().\u00a0]/g;
/** What a phone number looks like once its punctuation is gone. */
const PHONE_SHAPE = /^(?:\+|00)?\d{5,17}$/;
/** A mainland mobile number, with or without +86/0086/86. */
const MAINLAND = /^(?:\+86|0086|86)?(1\d{10})$/;
/** A number with its country code (E.164 once punctuation is gone). */
const INTERNATIONAL = /^(?:\+|00)([1-9]\d{6,14})$/;

/**
 * A phone number in E.164, or null when the value is not one. Common forms take a fast path (a
 * million-entry list must load in seconds); the rest go through libphonenumber as the SMS channels do.
 */
export function normalPhone(text: string): string | null {
  const compact = text.replace(PHONE_PUNCTUATION, '');
  if (!PHONE_SHAPE.test(compact)) return null;
  const mainland = MAINLAND.exec(compact);
  if (mainland) return `+86${mainland[1]}`;
  const international = INTERNATIONAL.exec(compact);
  // "+44 (0)20 …" keeps a trunk prefix E.164 drops: only libphonenumber reads that right.
  if (international && !text.includes('(0)')) return `+${international[1]}`;
  const checked = checkPhone(text, { mainlandByDefault: true });
  return checked.ok ? checked.number.e164 : null;
}

/** A recipient value in the form lists and rows are compared in. */
export function normalRecipient(value: unknown): string {
  const text = (typeof value === 'string' ? value : value === null || value === undefined ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value)).trim();
  if (text.includes('@')) return text.toLowerCase();
  return normalPhone(text) ?? text;
}

/** One list: its name (for the record's reason) and its entries' hashes, in normal form. */
export class SuppressionList {
  private readonly set = new KeySet(1 << 16);

  constructor(readonly name: string) {}

  /** Distinct entries. */
  get size(): number {
    return this.set.size;
  }

  /** Add one entry (blank: ignored). */
  add(entry: string): void {
    const normal = normalRecipient(entry);
    if (normal === '') return;
    const { hi, lo } = hash64(normal);
    this.set.add(hi, lo);
  }

  /** Whether the list holds this value (already in normal form). */
  has(normal: string): boolean {
    const { hi, lo } = hash64(normal);
    return this.set.has(hi, lo);
  }
}

/** Every --suppress list of a run. */
export class Suppression {
  constructor(private readonly lists: readonly SuppressionList[]) {}

  /** True when no list was given. */
  get empty(): boolean {
    return this.lists.length === 0;
  }

  /**
   * Why a row must not be sent (its recipient or its key is on a list), or null.
   * @param key the row's key
   * @param recipient the value of its --to field (undefined when the channel has none)
   */
  reason(key: string, recipient: unknown): string | null {
    if (this.lists.length === 0) return null;
    const normal = recipient === undefined ? '' : normalRecipient(recipient);
    const normalKey = normalRecipient(key);
    for (const list of this.lists) {
      if (normal !== '' && list.has(normal)) return `recipient '${normal}' is on the suppression list ${list.name}`;
      if (normalKey !== normal && list.has(normalKey)) return `key '${key}' is on the suppression list ${list.name}`;
    }
    return null;
  }
}
