/**
 * Checks and resolves the raw flag values of `send`/`retry` into the settings of a run; every
 * problem is a UsageError or ConfigError naming the flag, the rule and the value received.
 */
import { resolve } from 'node:path';
import { Option } from 'commander';
import { findChannel, CHANNELS } from '../channels/registry.js';
import type { ChannelSpec } from '../channels/spec.js';
import { ConfigError, UsageError } from '../errors.js';
import { parseDuration } from '../config/parse-duration.js';
import { parseInteger } from '../config/parse-integer.js';
import { parseRate } from '../config/parse-rate.js';
import { DEFAULT_GRACE, DEFAULT_IN_DOUBT, DEFAULT_RETRIES, DEFAULT_TIMEOUT, IN_DOUBT_POLICIES, INPUT_FORMATS, MAX_CONCURRENCY, MAX_RETRIES } from '../config/defaults.js';
import type { InDoubtPolicy } from '../pipeline/in-doubt.js';
import { resolvePolite, type PoliteSettings } from './polite-settings.js';

/** Input formats herald reads. */
export type InputFormat = (typeof INPUT_FORMATS)[number];
/** An input encoding: `auto`, or any name iconv-lite knows (checked when the flag is parsed and when the input opens). */
export type InputEncoding = string;


/** The checked settings of one run. */
export interface RunSettings {
  readonly spec: ChannelSpec;
  readonly toField: string | null;
  readonly keyField: string;
  readonly format: InputFormat | undefined;
  readonly encoding: InputEncoding;
  readonly concurrency: number;
  /** Sends per second, or null for no limit. */
  readonly rate: number | null;
  readonly burst: number | undefined;
  readonly retries: number;
  readonly timeoutMs: number;
  readonly graceMs: number;
  readonly limit: number | null;
  /** --sample: rows spread through the file (with --dry-run or --test-to), or null. */
  readonly sample: number | null;
  /** --test-to: every message goes to this address and nothing is recorded, or null. */
  readonly testTo: string | null;
  /** --keep-going: do not stop when the first answers are all the same permanent failure. */
  readonly keepGoing: boolean;
  readonly inDoubt: InDoubtPolicy;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly envFile: string | undefined;
  /** Windows, deadlines, quotas and suppression lists. */
  readonly polite: PoliteSettings;
  /** Directory relative paths are resolved against. */
  readonly cwd: string;
  /** Every raw option, channel flags included (what the run record stores). */
  readonly raw: Readonly<Record<string, unknown>>;
}

function text(value: unknown): string | undefined {
  return value === undefined || value === null ? undefined : String(value);
}

/** Options (by attribute name) whose values are file paths. */
const PATH_OPTIONS: readonly string[] = [
  'envFile',
  'suppress',
  ...CHANNELS.flatMap((spec) => spec.options.filter((o) => o.path).map((o) => new Option(o.flags).attributeName())),
];

/** The raw options with every file path made absolute against `cwd`. */
export function absolutePaths(raw: Readonly<Record<string, unknown>>, cwd: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  for (const name of PATH_OPTIONS) {
    const value = out[name];
    if (typeof value === 'string') out[name] = resolve(cwd, value);
    else if (Array.isArray(value)) out[name] = value.map((item: unknown) => (typeof item === 'string' ? resolve(cwd, item) : item));
  }
  return out;
}

/** A value that must be one of `choices` (a stored run record may hold anything), or undefined. */
function oneOf<T extends string>(value: unknown, choices: readonly T[], flag: string): T | undefined {
  const given = text(value);
  if (given === undefined) return undefined;
  if (!(choices as readonly string[]).includes(given)) throw new UsageError(`${flag} '${given}': expected one of ${choices.join(', ')}`);
  return given as T;
}

function positive(ms: number, flag: string, given: string | undefined): number {
  if (ms <= 0) throw new UsageError(`${flag} '${given}': expected a duration above zero, like 500ms or 10s`);
  return ms;
}

/** Resolve raw flag values; `cwd` is where relative paths in them are meant. */
export function resolveSettings(given: Readonly<Record<string, unknown>>, cwd: string): RunSettings {
  const raw = absolutePaths(given, cwd);
  const channelName = text(raw.channel);
  if (channelName === undefined) {
    throw new UsageError(`--channel is required: one of ${CHANNELS.map((c) => c.name).join(', ')}`);
  }
  const spec = findChannel(channelName);
  if (!spec) throw new UsageError(`--channel '${channelName}': expected one of ${CHANNELS.map((c) => c.name).join(', ')}`);
  const toField = text(raw.to) ?? spec.defaultTo;
  const keyField = text(raw.key) ?? (spec.defaultTo === null ? spec.defaultKey : (toField ?? spec.defaultKey));
  const rateText = text(raw.rate);
  const rate = rateText === undefined || rateText === '0' || rateText === 'unlimited' ? null : parseRate(rateText);
  const burstText = text(raw.burst);
  const limitText = text(raw.limit);
  const sampleText = text(raw.sample);
  return {
    spec,
    toField,
    keyField,
    format: oneOf(raw.format, INPUT_FORMATS, '--format'),
    encoding: (text(raw.encoding) ?? 'auto') as InputEncoding,
    concurrency: parseInteger(text(raw.concurrency) ?? String(spec.defaultConcurrency), '--concurrency', 1, MAX_CONCURRENCY),
    rate,
    burst: burstText === undefined ? undefined : parseInteger(burstText, '--burst', 1),
    retries: parseInteger(text(raw.retries) ?? String(DEFAULT_RETRIES), '--retries', 0, MAX_RETRIES),
    timeoutMs: positive(parseDuration(text(raw.timeout) ?? DEFAULT_TIMEOUT, '--timeout'), '--timeout', text(raw.timeout)),
    graceMs: parseDuration(text(raw.grace) ?? DEFAULT_GRACE, '--grace'),
    limit: limitText === undefined ? null : parseInteger(limitText, '--limit', 1),
    sample: sampleText === undefined ? null : parseInteger(sampleText, '--sample', 1),
    testTo: text(raw.testTo)?.trim() || null,
    keepGoing: raw.keepGoing === true,
    inDoubt: oneOf<InDoubtPolicy>(raw.inDoubt, IN_DOUBT_POLICIES, '--in-doubt') ?? DEFAULT_IN_DOUBT,
    dryRun: raw.dryRun === true,
    json: raw.json === true,
    quiet: raw.quiet === true,
    envFile: text(raw.envFile),
    polite: resolvePolite(raw),
    cwd,
    raw,
  };
}

/**
 * Check the channel settings a run record stored (what `herald retry` inherits) against the types
 * of their flags, so a damaged record is one line naming the setting, not a crash deep inside a channel.
 */
export function checkStoredSettings(stored: Readonly<Record<string, unknown>>, where: string): void {
  const spec = findChannel(String(stored.channel));
  for (const option of spec?.options ?? []) {
    const flag = new Option(option.flags);
    const value = stored[flag.attributeName()];
    if (value === undefined) continue;
    const [ok, expected] = option.repeatable
      ? [Array.isArray(value) && value.every((item) => typeof item === 'string'), 'a list of strings']
      : flag.required || flag.optional
        ? [typeof value === 'string', 'a string']
        : [typeof value === 'boolean', 'true or false'];
    if (!ok) {
      throw new ConfigError(`${where}: settings.${flag.attributeName()} must be ${expected} (found ${JSON.stringify(value)}); fix that line of the log, or give ${flag.long ?? flag.flags} on the command line`);
    }
  }
}

/** Options a retry must not inherit from the log's run record (they belong to that run only). */
export const RUN_ONLY_OPTIONS: ReadonlySet<string> = new Set(['resume', 'force', 'dryRun', 'limit', 'out', 'json', 'quiet', 'format', 'encoding', 'notAfter', 'queue', 'metricsPort', 'metricsHost', 'sample', 'testTo', 'price']);

/** Long flag attribute names of every channel's own options, by channel. */
const CHANNEL_OPTIONS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  CHANNELS.map((spec) => [spec.name, new Set(spec.options.map((o) => new Option(o.flags).attributeName()))]),
);

/** The settings a run record stores: common flags and the channel's own, not other channels' defaults. */
export function recordedSettings(settings: RunSettings): Record<string, unknown> {
  const own = CHANNEL_OPTIONS.get(settings.spec.name) ?? new Set<string>();
  const foreign = new Set([...CHANNEL_OPTIONS.values()].flatMap((names) => [...names]).filter((name) => !own.has(name)));
  const recorded = Object.fromEntries(Object.entries(settings.raw).filter(([name]) => !foreign.has(name)));
  // The zone a window or quota was read in, so a retry elsewhere reads them the same way.
  const { polite } = settings;
  const zone = polite.window || polite.quota || polite.notAfter ? { tz: polite.tz } : {};
  return { ...recorded, ...zone, channel: settings.spec.name, to: settings.toField, key: settings.keyField, concurrency: settings.concurrency, cwd: settings.cwd };
}
