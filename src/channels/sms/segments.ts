/**
 * How many billed segments an SMS text takes. Carriers (and Twilio) send GSM-7 text in 160
 * septets, or 153 per part once concatenated; anything outside GSM-7 goes as UCS-2, 70 UTF-16
 * units or 67 per part. Aliyun bills mainland SMS by characters: 70, or 67 per part.
 */

/** Which alphabet a text is sent in. */
export type SmsEncoding = 'GSM-7' | 'UCS-2';

/** The length of a text as an SMS. */
export interface SegmentCount {
  readonly encoding: SmsEncoding;
  /** Septets (GSM-7) or UTF-16 units (UCS-2) or characters (Aliyun mainland). */
  readonly units: number;
  /** Billed messages (parts of a long SMS). */
  readonly segments: number;
}

/** GSM 03.38 basic character set (one septet each). */
const GSM_BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** GSM 03.38 extension table (escape + character: two septets each). */
const GSM_EXTENDED = '\f^{}\\[~]|€';

const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENDED);

/** Single-part and per-part capacities of each scheme. */
const GSM7_SINGLE = 160;
const GSM7_PART = 153;
const UCS2_SINGLE = 70;
const UCS2_PART = 67;

/** Septet sizes of each character, or null when the text needs UCS-2. */
function gsmSizes(text: string): number[] | null {
  const sizes: number[] = [];
  for (const ch of text) {
    if (BASIC.has(ch)) sizes.push(1);
    else if (EXTENDED.has(ch)) sizes.push(2);
    else return null;
  }
  return sizes;
}

/** Parts needed to hold units of the given sizes, never splitting one unit across two parts. */
function packParts(sizes: readonly number[], single: number, part: number): number {
  const total = sizes.reduce((sum, size) => sum + size, 0);
  if (total <= single) return 1;
  let parts = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > part) {
      parts++;
      used = 0;
    }
    used += size;
  }
  return parts;
}

/** UTF-16 unit sizes of each code point (2 for characters outside the BMP, e.g. emoji). */
function ucs2Sizes(text: string): number[] {
  const sizes: number[] = [];
  for (const ch of text) sizes.push(ch.length);
  return sizes;
}

/** Segments of a text as carriers and Twilio count them (GSM-7 160/153, UCS-2 70/67). */
export function countSegments(text: string): SegmentCount {
  if (text === '') return { encoding: 'GSM-7', units: 0, segments: 1 };
  const gsm = gsmSizes(text);
  if (gsm !== null) {
    return { encoding: 'GSM-7', units: gsm.reduce((a, b) => a + b, 0), segments: packParts(gsm, GSM7_SINGLE, GSM7_PART) };
  }
  const ucs = ucs2Sizes(text);
  return { encoding: 'UCS-2', units: text.length, segments: packParts(ucs, UCS2_SINGLE, UCS2_PART) };
}

/** Segments of a mainland SMS as Aliyun bills it: every character counts one, 70 or 67 per part. */
export function countAliyunSegments(text: string): SegmentCount {
  const characters = [...text].length;
  const segments = characters <= UCS2_SINGLE ? 1 : Math.ceil(characters / UCS2_PART);
  return { encoding: 'UCS-2', units: characters, segments };
}
