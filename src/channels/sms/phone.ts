/**
 * Phone number validation for the SMS channels, with libphonenumber-js's full metadata: one
 * parse per row gives the number in E.164 (Twilio) and in Aliyun's form (mainland numbers as
 * 11 national digits, international ones as country code + number, no `+`).
 */
import { parsePhoneNumberFromString, type PhoneNumber } from 'libphonenumber-js/max';

/** A number that can receive SMS, in the forms the providers want. */
export interface SmsNumber {
  /** `+8613800138000`, `+14155552671`. */
  readonly e164: string;
  /** ISO 3166 country of the number, when the metadata knows it (`CN`, `HK`, `US`). */
  readonly country: string | undefined;
  /** True for a number of mainland China (+86). */
  readonly mainland: boolean;
  /** Aliyun's form: `13800138000` for the mainland, `85291234567` elsewhere. */
  readonly aliyun: string;
}

/** A parsed number, or why the value cannot receive an SMS. */
export type PhoneCheck = { readonly ok: true; readonly number: SmsNumber } | { readonly ok: false; readonly reason: string };

/** How a number written without `+`/`00` is read. */
export interface PhoneRules {
  /**
   * Read numbers without an international prefix as mainland Chinese numbers (Aliyun), instead
   * of refusing them (Twilio wants E.164).
   */
  readonly mainlandByDefault: boolean;
}

const INTERNATIONAL_00 = /^\s*00/;
const HAS_PLUS = /^\s*\+/;
/** Mainland mobile numbers: 11 digits starting with 1 (after +86/0086/86 is removed). */
const MAINLAND_MOBILE = /^1\d{10}$/;
/** Types that can never receive an SMS. */
const NOT_MOBILE = new Set(['FIXED_LINE', 'TOLL_FREE', 'PREMIUM_RATE', 'SHARED_COST', 'VOIP', 'PAGER', 'UAN', 'VOICEMAIL']);

function parse(text: string, rules: PhoneRules): PhoneNumber | undefined {
  if (INTERNATIONAL_00.test(text)) return parsePhoneNumberFromString(text.replace(INTERNATIONAL_00, '+'));
  if (HAS_PLUS.test(text)) return parsePhoneNumberFromString(text);
  return rules.mainlandByDefault ? parsePhoneNumberFromString(text, 'CN') : undefined;
}

/** Check one recipient value and return it in the providers' forms, or a one-line reason. */
export function checkPhone(value: unknown, rules: PhoneRules): PhoneCheck {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (text === '') return { ok: false, reason: 'phone number is empty' };
  const parsed = parse(text, rules);
  if (parsed === undefined) {
    return rules.mainlandByDefault
      ? { ok: false, reason: `'${text}' is not a phone number` }
      : { ok: false, reason: `'${text}' lacks a country code: write numbers in E.164, like +14155552671` };
  }
  const mainland = parsed.countryCallingCode === '86';
  if (mainland) {
    const national = String(parsed.nationalNumber);
    if (!MAINLAND_MOBILE.test(national) || !parsed.isValid()) {
      return { ok: false, reason: `'${text}' is not a mainland mobile number (11 digits starting with 1, optional +86/0086)` };
    }
    return { ok: true, number: { e164: parsed.number, country: 'CN', mainland, aliyun: national } };
  }
  if (!parsed.isValid()) return { ok: false, reason: `'${text}' is not a valid number for +${parsed.countryCallingCode}` };
  const type = parsed.getType();
  if (type !== undefined && NOT_MOBILE.has(type)) {
    return { ok: false, reason: `'${text}' is a ${type.toLowerCase().replace(/_/g, '-')} number, which cannot receive SMS` };
  }
  return {
    ok: true,
    number: { e164: parsed.number, country: parsed.country, mainland, aliyun: parsed.number.slice(1) },
  };
}
