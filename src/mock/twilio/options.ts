/**
 * Flags of `herald mock twilio` and their parsing into the simulator's configuration (light: the
 * channel's spec imports the flag list for help).
 */
import type { OptionSpec } from '../../channels/spec.js';
import { ConfigError } from '../../errors.js';
import { parseFaults, type FaultRule } from '../sms/fault-plan.js';
import { list, seedOf, whole } from '../sms/option-values.js';
import { knownTwilioCode } from './answers.js';

/** The credentials the simulator accepts (dummy values; printed with the other variables). */
export const MOCK_ACCOUNT_SID = 'AC00000000000000000000000000000001';
export const MOCK_AUTH_TOKEN = 'herald0mock0auth0token0000000001';

/** Flags of `herald mock twilio`. */
export const twilioMockOptions: readonly OptionSpec[] = [
  { flags: '--port <n>', description: 'port on 127.0.0.1 (0: any free port)', defaultValue: '0' },
  {
    flags: '--fault <NAME=WHEN>',
    description:
      'inject a fault: NAME is a Twilio error code (20429, 20500, 20503, 21211, 21610…) or hang|late|drop; WHEN is a rate (0.05, 5%), first:N or after:N accepted (repeatable)',
    repeatable: true,
  },
  {
    flags: '--error <NUMBER=CODE>',
    description: 'answer Twilio error CODE to every message to NUMBER, e.g. +15005550001=21211 (repeatable)',
    repeatable: true,
  },
  { flags: '--numbers <list>', description: 'the account\'s sender numbers, comma-separated E.164 (default: any)' },
  { flags: '--max-concurrent <n>', description: 'concurrent requests before 429/20429 (0: no limit)', defaultValue: '100' },
  { flags: '--late-ms <ms>', description: 'delay of a `late` answer', defaultValue: '15000' },
  { flags: '--latency-ms <ms>', description: 'delay of every answer', defaultValue: '0' },
  {
    flags: '--send-delay-ms <ms>',
    description: "how long an accepted message waits in the sender's queue before it is sent (date_sent is empty until then)",
    defaultValue: '0',
  },
  { flags: '--seed <n>', description: 'seed of the random faults (default: random)' },
];

/** The simulator's configuration. */
export interface TwilioMockConfig {
  readonly port: number;
  readonly faults: readonly FaultRule[];
  /** E.164 number → Twilio error code answered to messages to it. */
  readonly numberErrors: ReadonlyMap<string, string>;
  /** Sender numbers the account owns, or null for any. */
  readonly numbers: ReadonlySet<string> | null;
  readonly maxConcurrent: number;
  readonly lateMs: number;
  readonly latencyMs: number;
  /** How long accepted messages stay queued (no date_sent) before they count as sent. */
  readonly sendDelayMs: number;
  readonly seed: number;
}

/** Parse the flags (commander's camelCase values) into a configuration; ConfigError names a bad flag. */
export function parseTwilioMockOptions(options: Readonly<Record<string, unknown>>): TwilioMockConfig {
  const numberErrors = new Map<string, string>();
  for (const value of list(options.error)) {
    const eq = value.indexOf('=');
    const number = value.slice(0, eq).replace(/[\s()-]/g, '');
    const code = value.slice(eq + 1).trim();
    if (eq <= 0 || !/^\+\d{6,15}$/.test(number) || !knownTwilioCode(code)) {
      throw new ConfigError(`--error must be NUMBER=CODE with an E.164 number and a Twilio error code this simulator knows, got '${value}'`);
    }
    numberErrors.set(number, code);
  }
  const numbers = typeof options.numbers === 'string' ? new Set(options.numbers.split(',').map((n) => n.trim())) : null;
  return {
    port: whole(options, 'port', '--port', 0),
    faults: parseFaults(list(options.fault), knownTwilioCode),
    numberErrors,
    numbers,
    maxConcurrent: whole(options, 'maxConcurrent', '--max-concurrent', 100),
    lateMs: whole(options, 'lateMs', '--late-ms', 15_000),
    latencyMs: whole(options, 'latencyMs', '--latency-ms', 0),
    sendDelayMs: whole(options, 'sendDelayMs', '--send-delay-ms', 0),
    seed: seedOf(options),
  };
}
