// Billed segments: GSM-7 160/153, UCS-2 70/67 (carriers, Twilio); Aliyun mainland 70/67 by characters.
import { describe, expect, it } from 'vitest';
import { countAliyunSegments, countSegments } from '../../../src/channels/sms/segments.js';

describe('countSegments', () => {
  it.each([
    // [text, encoding, units, segments]
    ['', 'GSM-7', 0, 1], // an empty body is still one message
    ['a'.repeat(160), 'GSM-7', 160, 1], // fits one GSM-7 message
    ['a'.repeat(161), 'GSM-7', 161, 2], // 161 septets: two parts of 153
    ['a'.repeat(306), 'GSM-7', 306, 2], // exactly two parts
    ['a'.repeat(307), 'GSM-7', 307, 3], // one more: three parts
    ['€'.repeat(80), 'GSM-7', 160, 1], // extension characters take two septets
    ['a' + '€'.repeat(80), 'GSM-7', 161, 2], // ... and push the text into two parts
    ['a'.repeat(152) + '€' + 'a'.repeat(152), 'GSM-7', 306, 3], // an escape pair is not split across parts (306 septets, yet 3 parts)
    ['é'.repeat(160), 'GSM-7', 160, 1], // é is in the GSM basic set
    ['ê', 'UCS-2', 1, 1], // ê is not: UCS-2
    ['你'.repeat(70), 'UCS-2', 70, 1], // 70 UCS-2 units: one message
    ['你'.repeat(71), 'UCS-2', 71, 2], // 71: two parts of 67
    ['你'.repeat(134), 'UCS-2', 134, 2], // exactly two parts
    ['你'.repeat(135), 'UCS-2', 135, 3], // three parts
    ['😀'.repeat(35), 'UCS-2', 70, 1], // emoji take two UTF-16 units
    ['a'.repeat(66) + '😀' + 'a'.repeat(66), 'UCS-2', 134, 3], // a surrogate pair is not split (134 units, yet 3 parts)
  ])('%#: %j is %s, %i units, %i segments', (text, encoding, units, segments) => {
    expect(countSegments(text)).toEqual({ encoding, units, segments });
  });
});

describe('countAliyunSegments', () => {
  it.each([
    // [characters, segments]
    [70, 1], // 70 characters: one SMS
    [71, 2], // then 67 per part
    [134, 2],
    [135, 3],
  ])('%i characters bill %i', (characters, segments) => {
    expect(countAliyunSegments('x'.repeat(characters)).segments).toBe(segments);
  });

  it('counts an emoji as one character', () => {
    expect(countAliyunSegments('😀'.repeat(70)).segments).toBe(1);
  });
});
