/**
 * What a dry run can say before anything is sent: how long the sends would take at --rate and
 * --concurrency, and what they would cost at --price (SMS: per billed segment). Pure.
 */
import { formatDuration } from '../config/parse-duration.js';
import { formatRate } from '../config/parse-rate.js';
import { UsageError } from '../errors.js';

/** The answer time assumed when no --rate bounds the pace (a provider's typical answer). */
export const ASSUMED_ANSWER_MS = 100;

/** A price as the user wrote it: the amount, and the currency text around it ("¥", "USD"). */
export interface Price {
  readonly amount: number;
  readonly prefix: string;
  readonly suffix: string;
  /** Decimals written, at least 2 (what a total is shown with). */
  readonly decimals: number;
}

const PRICE = /^\s*([^\d.\s]*)\s*(\d+(?:\.(\d+))?|\.(\d+))\s*([^\d.\s]*)\s*$/;

/** Parse --price ("0.045", "0.045USD", "¥0.04", "0.05 EUR"); throws UsageError naming the flag. */
export function parsePrice(text: string): Price {
  const match = PRICE.exec(text);
  const amount = Number(match?.[2]);
  if (!match || !(amount >= 0) || !Number.isFinite(amount)) {
    throw new UsageError(`--price '${text}': expected an amount per segment or message, like 0.045, 0.045USD or ¥0.04`);
  }
  const decimals = Math.max(2, (match[3] ?? match[4] ?? '').length);
  const suffix = match[5] ?? '';
  return { amount, prefix: match[1] ?? '', suffix: suffix === '' ? '' : ` ${suffix}`, decimals };
}

function money(price: Price, amount: number): string {
  return `${price.prefix}${amount.toFixed(price.decimals)}${price.suffix}`;
}

/** "~1h23m at 40/s (--rate)" — how long `rows` sends take. */
export function estimateTime(rows: number, rate: number | null, concurrency: number): string {
  if (rows === 0) return 'nothing to send';
  if (rate !== null) return `~${formatDuration((rows / rate) * 1000)} at ${formatRate(rate)} (--rate)`;
  const ms = (rows / concurrency) * ASSUMED_ANSWER_MS;
  return `no --rate: as fast as the provider answers, ${concurrency} at a time (~${formatDuration(ms)} if each answer takes ${ASSUMED_ANSWER_MS} ms)`;
}

/** "~55.53 USD (1234 segments × 0.045 USD)" — the cost of `units` (segments, or messages). */
export function estimateCost(units: number, unitName: string, price: Price): string {
  return `~${money(price, units * price.amount)} (${units} ${unitName} × ${money(price, price.amount)})`;
}
