/** Parsing of --rate values: `50/s`, `0.5/s`, `3000/min`, `100000/h`, `20000/d`. */
import { UsageError } from '../errors.js';

const UNIT_SECONDS: Readonly<Record<string, number>> = {
  s: 1, sec: 1, second: 1,
  m: 60, min: 60, minute: 60,
  h: 3600, hr: 3600, hour: 3600,
  d: 86400, day: 86400,
};

const RATE = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*(?:\/\s*([a-z]+))?\s*$/i;

/** Sends per second for a --rate value; throws UsageError naming the flag and the value. */
export function parseRate(text: string, flag = '--rate'): number {
  const match = RATE.exec(text);
  const unit = (match?.[2] ?? 's').toLowerCase();
  const seconds = UNIT_SECONDS[unit];
  const count = Number(match?.[1]);
  if (!match || seconds === undefined || !(count > 0)) {
    throw new UsageError(`${flag} '${text}': expected a positive number per unit, like 50/s, 0.5/s, 3000/min, 100000/h or 20000/d`);
  }
  return count / seconds;
}

/** A rate in sends per second, shown the way a user would write it. */
export function formatRate(perSecond: number): string {
  if (perSecond >= 1) return `${+perSecond.toFixed(2)}/s`;
  if (perSecond * 60 >= 1) return `${+(perSecond * 60).toFixed(2)}/min`;
  if (perSecond * 3600 >= 1) return `${+(perSecond * 3600).toFixed(2)}/h`;
  return `${+(perSecond * 86400).toFixed(2)}/d`;
}

/** A rate rounded for a notice or a summary: two significant figures, "~200/s", "~4.5/s", "~30/min". */
export function formatRoughRate(perSecond: number): string {
  const units: readonly [number, string][] = [[1, 's'], [60, 'min'], [3600, 'h'], [86400, 'd']];
  const [factor, unit] = units.find(([f]) => perSecond * f >= 1) ?? units[units.length - 1]!;
  const value = perSecond * factor;
  return `~${+value.toPrecision(2)}/${unit}`;
}
