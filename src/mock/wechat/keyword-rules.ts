/**
 * The value rules WeChat enforces on template keywords whose name says their type (`thing1`,
 * `amount2`, `time3`, `character_string4`…), as its subscribe and template message docs list
 * them: a value that breaks its rule is answered 47003 (`argument invalid! data.thing1.value
 * invalid`). Keywords without a type in their name (`keyword1`, `first`, `remark`) only need text.
 */

/** Han characters (Chinese). */
const HAN = /\p{Script=Han}/u;
const DATE = String.raw`\d{4}(?:年\d{1,2}月\d{1,2}日|[-/]\d{1,2}[-/]\d{1,2})`;
const TIME = String.raw`(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?`;
/** One point in time for `time`: a 24-hour time, a date before it allowed. */
const TIME_POINT = new RegExp(String.raw`^(?:${DATE}\s*)?${TIME}$`);
/** One point in time for `date`: a date, a 24-hour time after it allowed. */
const DATE_POINT = new RegExp(String.raw`^${DATE}(?:\s*${TIME})?$`);
const CURRENCY = '[¥￥$€£₩₫]|[A-Z]{2,3}\\$?|R\\$';
const AMOUNT = new RegExp(`^(?:${CURRENCY})?\\d{1,10}(?:\\.\\d+)?元?$`);

/** Each point of a value that may be a range (`15:01~16:00`) matches `point`. */
function pointsMatch(value: string, point: RegExp): boolean {
  const parts = value.split('~').map((part) => part.trim());
  return parts.length <= 2 && parts.every((part) => point.test(part));
}

/** `name` values: up to 10 Han characters (mixed text counts as Han), or up to 20 letters and symbols. */
function nameProblem(chars: readonly string[]): string | null {
  if (chars.some((ch) => HAN.test(ch))) return chars.length <= 10 ? null : `${chars.length} characters with Chinese, name takes at most 10`;
  if (chars.some((ch) => /\d/.test(ch))) return 'a digit, name takes letters and symbols only';
  return chars.length <= 20 ? null : `${chars.length} characters, name takes at most 20 letters`;
}

/** `car_number`: up to 8 characters, letters and digits, the first and last may be Han. */
function carProblem(chars: readonly string[]): string | null {
  if (chars.length > 8) return `${chars.length} characters, car_number takes at most 8`;
  const ok = chars.every((ch, i) => /[A-Za-z0-9]/.test(ch) || ((i === 0 || i === chars.length - 1) && HAN.test(ch)));
  return ok ? null : 'car_number takes letters and digits, Chinese only first or last (粤A8Z888挂)';
}

type Rule = (value: string, chars: readonly string[]) => string | null;

const limit = (type: string, max: number): Rule => (_value, chars) => (chars.length <= max ? null : `${chars.length} characters, ${type} takes at most ${max}`);
const only = (type: string, max: number, allowed: RegExp, what: string): Rule => (value, chars) =>
  chars.length > max ? `${chars.length} characters, ${type} takes at most ${max}` : allowed.test(value) ? null : `${type} takes ${what} only`;

/** The rule of each keyword type. */
const RULES: Readonly<Record<string, Rule>> = {
  thing: limit('thing', 20),
  number: only('number', 32, /^\d+(?:\.\d+)?$/, 'digits (a decimal point allowed)'),
  letter: only('letter', 32, /^[A-Za-z]+$/, 'letters'),
  symbol: only('symbol', 5, /^[^\p{L}\p{N}\s]+$/u, 'symbols'),
  character_string: only('character_string', 32, /^[\x21-\x7e]+$/, 'digits, letters and symbols'),
  phone_number: only('phone_number', 17, /^[0-9+\-() ]*\d[0-9+\-() ]*$/, 'digits and symbols'),
  phrase: only('phrase', 5, /^\p{Script=Han}+$/u, 'Chinese characters'),
  amount: (value) => (AMOUNT.test(value) ? null : 'amount takes a currency symbol and up to 10 digits (a decimal point and 元 allowed)'),
  time: (value) => (pointsMatch(value, TIME_POINT) ? null : 'time takes a 24-hour time, with a date before it allowed (15:01, 2019年10月1日 15:01)'),
  date: (value) => (pointsMatch(value, DATE_POINT) ? null : 'date takes a date, with a 24-hour time after it allowed (2019年10月1日, 2019-10-01 15:01)'),
  name: (_value, chars) => nameProblem(chars),
  car_number: (_value, chars) => carProblem(chars),
};

/** The keyword's type from its name (`thing12` → `thing`), or null when the name carries none. */
export function keywordType(name: string): string | null {
  const type = /^([a-z_]+?)_?\d*$/.exec(name)?.[1] ?? null;
  return type !== null && type in RULES ? type : null;
}

/** Why WeChat would refuse `value` for keyword `name` (for the simulator's log), or null when it takes it. */
export function keywordProblem(name: string, value: string): string | null {
  const type = keywordType(name);
  if (type === null) return null;
  if (value.trim() === '') return `${type} may not be empty`;
  return RULES[type]!(value, [...value]);
}
