/**
 * Which legacy encoding a text that is not UTF-8 is in. GB18030 (a superset of GBK, what Excel
 * writes in China) is the contract's default and the main case, so it holds unless the statistical
 * detector (chardet) is sure of another: for a sample that reads as Chinese GB text, only another
 * CJK encoding that chardet clearly prefers and whose byte structure the sample has; for one that
 * does not (a Windows-1252 `Zoë Müller` is broken GB18030), chardet's best answer that decodes the
 * sample cleanly.
 */
import chardet from 'chardet';
import iconv from 'iconv-lite';
import type { ResolvedEncoding } from './encoding.js';

/**
 * Confidence (chardet's 0–100) another CJK encoding needs, and its lead over GB18030's own, to
 * win over a sample that reads as Chinese GB text. GBK samples of Chinese names score GB18030
 * 44–80 and EUC-KR at most ~70 below it; real EUC-KR scores 100, EUC-JP 80–95, Big5 ~80.
 */
export const CJK_MIN_CONFIDENCE = 60;

/** How far (in chardet's points) another CJK encoding must lead GB18030 on a sample that reads as Chinese. */
export const CJK_LEAD = 10;

/** Lowest confidence at which chardet's answer is taken for a sample that is not GB18030 text. */
export const MIN_CONFIDENCE = 10;

/**
 * Below this confidence, chardet's pick among single-byte code pages is a coin toss on a short
 * sample (`José García` alone scores Windows-1257 at 20): Windows-1252, what Excel writes in
 * Western locales, is taken instead when it decodes the sample cleanly.
 */
export const SINGLE_BYTE_SURE = 50;

/**
 * Characters (not counting symbols) a GB-looking sample needs before its structure can show another
 * CJK encoding, and the shares that show it: Hangul lead bytes for EUC-KR (common hanzi of Chinese
 * names fall in B0–C8 about 60% of the time: 20 of 20 by chance is ~1 in 14,000), kana or Big5's
 * low trail bytes for EUC-JP and Big5.
 */
const MIN_STRUCTURE_CHARS = 20;
const HANGUL_SHARE = 0.98;
const MARK_SHARE = 0.2;

/** Broken sequences a GB18030 text may hold (a character cut by an export): at most one per this many characters. */
const GB_BROKEN_PER_CHARS = 16;

/** CJK double-byte encodings, which can look like GB18030 byte for byte. */
const CJK = new Set(['big5', 'shift_jis', 'euc-jp', 'euc-kr']);

/** chardet's names that are never an answer here (no BOM means no UTF-16/32; UTF-8 was ruled out). */
const NOT_ANSWERS = new Set(['ASCII', 'UTF-8', 'UTF-16LE', 'UTF-16BE', 'UTF-32LE', 'UTF-32BE']);

/** How a sample's non-ASCII bytes split into GB18030 characters. */
export interface GbShape {
  /** Two-byte characters of GB2312's range (common hanzi and punctuation). */
  readonly common: number;
  /** Other well-formed GBK/GB18030 characters (rare hanzi, and what other encodings' bytes look like). */
  readonly other: number;
  /** Bytes that start no well-formed GB18030 character. */
  readonly broken: number;
  /** Of the two-byte characters: lead byte B0–C8 (where EUC-KR puts every Hangul syllable). */
  readonly hangulLeads: number;
  /** Of the two-byte characters: lead byte A1–AF (symbols and punctuation in GB2312, EUC-KR and EUC-JP alike). */
  readonly symbolLeads: number;
  /** Of the two-byte characters: lead byte A4–A5 (kana in EUC-JP; in GB text, rare). */
  readonly kanaLeads: number;
  /** Of the two-byte characters: lead byte below A1 (impossible in Big5 and the EUC encodings). */
  readonly lowLeads: number;
}

/** Splits the non-ASCII bytes of `bytes` into GB18030 characters, as a decoder would (pure). */
export function gbShape(bytes: Uint8Array): GbShape {
  const shape = { common: 0, other: 0, broken: 0, hangulLeads: 0, symbolLeads: 0, kanaLeads: 0, lowLeads: 0 };
  const inRange = (value: number | undefined, low: number, high: number): boolean => value !== undefined && value >= low && value <= high;
  for (let i = 0; i < bytes.length; ) {
    const lead = bytes[i] as number;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const trail = bytes[i + 1];
    if (!inRange(lead, 0x81, 0xfe)) {
      shape.broken++;
      i++;
    } else if (inRange(trail, 0x30, 0x39) && inRange(bytes[i + 2], 0x81, 0xfe) && inRange(bytes[i + 3], 0x30, 0x39)) {
      shape.other++;
      i += 4;
    } else if (trail !== undefined && trail >= 0x40 && trail <= 0xfe && trail !== 0x7f) {
      if (lead >= 0xa1 && lead <= 0xf7 && trail >= 0xa1) shape.common++;
      else shape.other++;
      if (inRange(lead, 0xb0, 0xc8)) shape.hangulLeads++;
      if (inRange(lead, 0xa1, 0xaf)) shape.symbolLeads++;
      if (inRange(lead, 0xa4, 0xa5)) shape.kanaLeads++;
      if (lead < 0xa1) shape.lowLeads++;
      i += 2;
    } else {
      shape.broken++;
      i++;
    }
  }
  return shape;
}

/**
 * Whether a sample that reads as GB text has the structure of `encoding` too, beyond chardet's
 * word: chardet can score EUC-KR 100 on five GBK names, whose bytes EUC-KR shares. Korean text
 * puts every Hangul syllable's lead byte in B0–C8, Japanese has kana (A4–A5), Big5 never has a
 * lead byte below A1 and many trail bytes below A1; Chinese GB text of any length does none of these.
 * (Shift_JIS text does not read as GB text, so it never gets here.)
 */
function hasShapeOf(encoding: ResolvedEncoding, shape: GbShape): boolean {
  const chars = shape.common + shape.other;
  const letters = chars - shape.symbolLeads;
  if (letters < MIN_STRUCTURE_CHARS) return false;
  if (encoding === 'euc-kr') return shape.other === 0 && shape.hangulLeads >= HANGUL_SHARE * letters;
  if (encoding === 'euc-jp') return shape.other === 0 && shape.kanaLeads >= MARK_SHARE * letters;
  if (encoding === 'big5') return shape.lowLeads === 0 && shape.other >= MARK_SHARE * letters;
  return false;
}

/** Whether a sample reads as Chinese GB text: common characters, and few broken sequences. */
export function readsAsGbText(shape: GbShape): boolean {
  return shape.common > 0 && shape.broken * GB_BROKEN_PER_CHARS <= shape.common + shape.other;
}

/** The iconv-lite name for one of chardet's answers, or undefined when it is no answer here. */
function iconvName(chardetName: string): ResolvedEncoding | undefined {
  if (NOT_ANSWERS.has(chardetName) || chardetName.startsWith('ISO-2022')) return undefined;
  // ISO-8859-1 text is read as Windows-1252, its superset for what Excel writes (as browsers do).
  const name = chardetName === 'ISO-8859-1' ? 'windows-1252' : chardetName.toLowerCase();
  return iconv.encodingExists(name) ? name : undefined;
}

/** Whether `sample` decodes in `encoding` without a replacement character or a C1 control. */
function decodesCleanly(sample: Uint8Array, encoding: ResolvedEncoding): boolean {
  return !/[\uFFFD\u0080-\u009F]/.test(iconv.decode(Buffer.from(sample), encoding));
}

/** The legacy encoding of a sample of non-ASCII lines that are not all UTF-8 (pure; see the module comment). */
export function chooseLegacyEncoding(sample: Uint8Array): ResolvedEncoding {
  const shape = gbShape(sample);
  const chinese = readsAsGbText(shape);
  const matches = chardet.analyse(sample);
  const gb = matches.find((match) => match.name === 'GB18030')?.confidence ?? 0;
  for (const match of matches) {
    if (match.name === 'GB18030') return 'gb18030';
    const name = iconvName(match.name);
    if (name === undefined) continue;
    const sure = chinese
      ? CJK.has(name) && match.confidence >= CJK_MIN_CONFIDENCE && match.confidence >= gb + CJK_LEAD && hasShapeOf(name, shape)
      : match.confidence >= MIN_CONFIDENCE;
    if (!sure || !decodesCleanly(sample, name)) continue;
    const westernInstead = !CJK.has(name) && match.confidence < SINGLE_BYTE_SURE && decodesCleanly(sample, 'windows-1252');
    return westernInstead ? 'windows-1252' : name;
  }
  return 'gb18030';
}
