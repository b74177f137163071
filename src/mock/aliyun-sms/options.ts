/**
 * Flags of `herald mock aliyun-sms` and their parsing into the simulator's configuration
 * (light: the channel's spec imports the flag list for help).
 */
import type { OptionSpec } from '../../channels/spec.js';
import { ConfigError } from '../../errors.js';
import { knownCode } from './answers.js';
import { parseFaults, type FaultRule } from '../sms/fault-plan.js';
import { list, seedOf, whole } from '../sms/option-values.js';
import { normalizeNumber, type FlowLimits } from './store.js';

/** The AccessKey the simulator accepts (dummy values; printed with the other variables). */
export const MOCK_ACCESS_KEY_ID = 'LTAI5tHeraldMockKeyId';
export const MOCK_ACCESS_KEY_SECRET = 'herald-mock-secret-7Qp2xV';

/** Flags of `herald mock aliyun-sms`. */
export const aliyunMockOptions: readonly OptionSpec[] = [
  { flags: '--port <n>', description: 'port on 127.0.0.1 (0: any free port)', defaultValue: '0' },
  {
    flags: '--fault <NAME=WHEN>',
    description:
      'inject a fault: NAME is an Aliyun code (isp.SYSTEM_ERROR, Throttling.User, isv.AMOUNT_NOT_ENOUGH…) or hang|late|drop; WHEN is a rate (0.05, 5%), first:N or after:N accepted (repeatable)',
    repeatable: true,
  },
  {
    flags: '--query-fault <NAME=WHEN>',
    description: 'inject a fault into QuerySendDetails (an Aliyun code, or hang|drop); WHEN counts query requests (repeatable)',
    repeatable: true,
  },
  {
    flags: '--error <NUMBER=CODE>',
    description: 'answer CODE to every send to NUMBER, e.g. 13800000000=isv.MOBILE_NUMBER_ILLEGAL (repeatable)',
    repeatable: true,
  },
  { flags: '--per-minute <n>', description: 'SMS per number and signature per minute (0: no limit)', defaultValue: '1' },
  { flags: '--per-hour <n>', description: 'SMS per number and signature per hour (0: no limit)', defaultValue: '0' },
  { flags: '--per-day <n>', description: 'SMS per number and signature per day (0: no limit)', defaultValue: '0' },
  { flags: '--sign-names <list>', description: 'approved signatures, comma-separated (default: any)' },
  {
    flags: '--template <CODE=TEXT>',
    description: 'an approved template and its text with ${name} variables (repeatable; default: any code)',
    repeatable: true,
  },
  { flags: '--late-ms <ms>', description: 'delay of a `late` answer', defaultValue: '15000' },
  { flags: '--latency-ms <ms>', description: 'delay of every answer', defaultValue: '0' },
  { flags: '--timestamp-window <minutes>', description: 'allowed clock difference (0: no check)', defaultValue: '15' },
  { flags: '--seed <n>', description: 'seed of the random faults (default: random)' },
];

/** The simulator's configuration. */
export interface AliyunMockConfig {
  readonly port: number;
  readonly faults: readonly FaultRule[];
  /** Faults of QuerySendDetails (`first:N` counts query requests). */
  readonly queryFaults: readonly FaultRule[];
  /** Number (normalised) → code answered to sends to it. */
  readonly numberErrors: ReadonlyMap<string, string>;
  readonly limits: FlowLimits;
  /** Approved signatures, or null for any. */
  readonly signNames: ReadonlySet<string> | null;
  /** Approved template codes and their texts, or null for any. */
  readonly templates: ReadonlyMap<string, string> | null;
  readonly lateMs: number;
  readonly latencyMs: number;
  readonly timestampWindowMs: number;
  readonly seed: number;
}

function pairs(values: readonly string[], flag: string): [string, string][] {
  return values.map((value) => {
    const eq = value.indexOf('=');
    if (eq <= 0 || eq === value.length - 1) throw new ConfigError(`${flag} must be KEY=VALUE, got '${value}'`);
    return [value.slice(0, eq).trim(), value.slice(eq + 1).trim()];
  });
}

/** Parse the flags (commander's camelCase values) into a configuration; ConfigError names a bad flag. */
export function parseAliyunMockOptions(options: Readonly<Record<string, unknown>>): AliyunMockConfig {
  const numberErrors = new Map<string, string>();
  for (const [number, code] of pairs(list(options.error), '--error')) {
    if (!knownCode(code)) throw new ConfigError(`--error ${number}=${code}: not an Aliyun code this simulator knows`);
    const normalized = normalizeNumber(number);
    if (normalized === null) throw new ConfigError(`--error ${number}=${code}: '${number}' is not a number Aliyun accepts`);
    numberErrors.set(normalized, code);
  }
  const signNames = typeof options.signNames === 'string' ? new Set(options.signNames.split(',').map((s) => s.trim())) : null;
  const templateList = pairs(list(options.template), '--template');
  return {
    port: whole(options, 'port', '--port', 0),
    faults: parseFaults(list(options.fault), knownCode),
    queryFaults: parseFaults(list(options.queryFault), knownCode),
    numberErrors,
    limits: {
      perMinute: whole(options, 'perMinute', '--per-minute', 1),
      perHour: whole(options, 'perHour', '--per-hour', 0),
      perDay: whole(options, 'perDay', '--per-day', 0),
    },
    signNames,
    templates: templateList.length === 0 ? null : new Map(templateList),
    lateMs: whole(options, 'lateMs', '--late-ms', 15_000),
    latencyMs: whole(options, 'latencyMs', '--latency-ms', 0),
    timestampWindowMs: whole(options, 'timestampWindow', '--timestamp-window', 15) * 60_000,
    seed: seedOf(options),
  };
}
