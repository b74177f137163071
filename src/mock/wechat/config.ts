/**
 * The WeChat simulator's settings, from `herald mock wechat` flags (strings) or from a test
 * (numbers, arrays), checked with messages naming the flag.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { UsageError } from '../../errors.js';

/** The AppID the simulator accepts unless told otherwise. */
export const DEFAULT_MOCK_APPID = 'wxd0c0ffee00000001';

/** Everything the simulator can be told. */
export interface SimConfig {
  readonly port: number;
  readonly appid: string;
  readonly secret: string;
  /** expires_in of new tokens, in seconds. */
  readonly tokenTtlSeconds: number;
  /** Sends a token serves before it expires (0: no limit). */
  readonly tokenUses: number;
  /** Template messages accepted per day before 45009. */
  readonly dailyQuota: number;
  /** Template send calls per clock minute before 45011 (0: no limit). */
  readonly minuteQuota: number;
  readonly unsubscribed: ReadonlySet<string>;
  readonly refused: ReadonlySet<string>;
  /** Known template IDs; empty: any is accepted. */
  readonly templates: ReadonlySet<string>;
  /** Fraction of sends answered -1. */
  readonly failRate: number;
  /** Fraction of accepted sends whose answer comes `delayMs` late. */
  readonly delayRate: number;
  readonly delayMs: number;
  /** How long a token request takes to answer (ms), to make overlapping fetches visible. */
  readonly tokenDelayMs: number;
  readonly seed: number;
}

type Options = Readonly<Record<string, unknown>>;

function kebab(camel: string): string {
  return camel.replace(/[A-Z]/g, (ch) => `-${ch.toLowerCase()}`);
}

function numberOption(options: Options, name: string, fallback: number, min: number, max: number, whole: boolean): number {
  const raw = options[name];
  if (raw === undefined || raw === null) return fallback;
  const value = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
  if (!Number.isFinite(value) || value < min || value > max || (whole && !Number.isInteger(value))) {
    const kind = whole ? 'a whole number' : 'a number';
    throw new UsageError(`--${kebab(name)} '${String(raw)}': expected ${kind} from ${min} to ${max}`);
  }
  return value;
}

function setOption(options: Options, name: string): Set<string> {
  const raw = options[name];
  if (raw === undefined || raw === null) return new Set();
  const list = Array.isArray(raw) ? raw : [raw];
  const values = new Set<string>();
  for (const item of list) {
    if (typeof item !== 'string') throw new UsageError(`--${kebab(name)}: expected text values`);
    for (const part of item.split(',')) if (part.trim() !== '') values.add(part.trim());
  }
  return values;
}

function textOption(options: Options, name: string): string | null {
  const raw = options[name];
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== 'string' || raw.trim() === '') throw new UsageError(`--${kebab(name)}: expected a value`);
  return raw.trim();
}

/** Read the simulator's settings; unset ones take their defaults (a random AppSecret). */
export function readSimConfig(options: Options): SimConfig {
  const appid = textOption(options, 'appid') ?? DEFAULT_MOCK_APPID;
  if (!/^wx[0-9a-f]{16}$/i.test(appid)) throw new UsageError(`--appid '${appid}': expected 'wx' and 16 hexadecimal digits`);
  const max = Number.MAX_SAFE_INTEGER;
  return {
    port: numberOption(options, 'port', 0, 0, 65_535, true),
    appid,
    secret: textOption(options, 'secret') ?? randomBytes(16).toString('hex'),
    tokenTtlSeconds: numberOption(options, 'tokenTtl', 7200, 1, 86_400, true),
    tokenUses: numberOption(options, 'tokenUses', 0, 0, max, true),
    dailyQuota: numberOption(options, 'dailyQuota', 100_000, 0, max, true),
    minuteQuota: numberOption(options, 'minuteQuota', 0, 0, max, true),
    unsubscribed: setOption(options, 'unsubscribed'),
    refused: setOption(options, 'refused'),
    templates: setOption(options, 'template'),
    failRate: numberOption(options, 'failRate', 0, 0, 1, false),
    delayRate: numberOption(options, 'delayRate', 0, 0, 1, false),
    delayMs: numberOption(options, 'delay', 0, 0, 600_000, true),
    tokenDelayMs: numberOption(options, 'tokenDelay', 0, 0, 600_000, true),
    seed: numberOption(options, 'seed', randomInt(2 ** 31), 0, 2 ** 32 - 1, true),
  };
}
