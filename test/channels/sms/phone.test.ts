// Phone number rules shared by aliyun-sms (mainland by default) and twilio (E.164 only).
import { describe, expect, it } from 'vitest';
import { checkPhone } from '../../../src/channels/sms/phone.js';

const ALIYUN = { mainlandByDefault: true };
const TWILIO = { mainlandByDefault: false };

describe('checkPhone for Aliyun', () => {
  it.each([
    // [input, Aliyun form, E.164]
    ['13800138000', '13800138000', '+8613800138000'], // bare mainland mobile
    ['+8613800138000', '13800138000', '+8613800138000'], // +86 prefix
    ['008613800138000', '13800138000', '+8613800138000'], // 0086 prefix
    ['+86 138 0013 8000', '13800138000', '+8613800138000'], // spaces
    ['19912345678', '19912345678', '+8619912345678'], // newer 199 range
    [13800138000, '13800138000', '+8613800138000'], // a JSONL number
    ['+85291234567', '85291234567', '+85291234567'], // Hong Kong: country code + number
    ['0085291234567', '85291234567', '+85291234567'], // 00 international prefix
    ['+14155552671', '14155552671', '+14155552671'], // US
  ])('accepts %j as %j', (input, aliyun, e164) => {
    const check = checkPhone(input, ALIYUN);
    expect(check).toMatchObject({ ok: true, number: { aliyun, e164 } });
  });

  it.each([
    // [input, reason fragment]
    ['', 'empty'], // empty cell
    ['1380013800', 'not a mainland mobile'], // 10 digits
    ['010-12345678', 'not a mainland mobile'], // Beijing fixed line
    ['4155552671', 'not a mainland mobile'], // US number without +1 reads as mainland
    ['+447700900123', 'not a valid number for +44'], // reserved drama range
    ['hello', 'not a phone number'], // not a number at all
  ])('refuses %j', (input, reason) => {
    const check = checkPhone(input, ALIYUN);
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toContain(reason);
  });
});

describe('checkPhone for Twilio', () => {
  it('normalises formatted E.164 numbers', () => {
    expect(checkPhone('+1 (415) 555-2671', TWILIO)).toMatchObject({ ok: true, number: { e164: '+14155552671' } });
  });

  it('refuses a number without a country code and says how to write it', () => {
    const check = checkPhone('4155552671', TWILIO);
    expect(check).toEqual({ ok: false, reason: "'4155552671' lacks a country code: write numbers in E.164, like +14155552671" });
  });

  it('refuses a fixed-line number', () => {
    const check = checkPhone('+861012345678', TWILIO);
    expect(check.ok).toBe(false);
  });
});
