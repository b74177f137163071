/**
 * Checks and resolves the raw flag values of `send`/`retry` into the settings of a run; every
 * problem is a UsageError or ConfigError naming the flag, the rule and the value received.
 */
import { resolve } from 'node:path';
import { Option } from 'commander';
import { findChannel, CHANNELS } from '../channels/registry.js';
import type { ChannelSpec } from '../channels/spec.js';
import { UsageError } from '../errors.js';
import { parseDuration } from '../config/parse-duration.js';
import { parseInteger } from '../config/parse-integer.js';
import { parseRate } from '../config/parse-rate.js';
import type { InDoubtPolicy } from '../pipeline/in-doubt.js';

/** Input formats herald reads. */
export type InputFormat = 'csv' | 'tsv' | 'jsonl';
/** An input encoding: `auto`, or any name iconv-lite knows (checked when the flag is parsed and when the input opens). */
export type InputEncoding = string;

/** Largest --concurrency accepted. */
export const MAX_CONCURRENCY = 1024;

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
  readonly inDoubt: InDoubtPolicy;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly quiet: boolean;
  readonly envFile: string | undefined;
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
  ...CHANNELS.flatMap((spec) => spec.options.filter((o) => o.path).map((o) => new Option(o.flags).attributeName())),
];

/** The raw options with every file path made absolute against `cwd`. */
export function absolutePaths(raw: Readonly<Record<string, unknown>>, cwd: string): Record<string, unknown> {
  const out: Record<string, unknown> = { ...raw };
  for (const name of PATH_OPTIONS) {
    const value = out[name];
    if (typeof value === 'string') out[name] = resolve(cwd, value);
  }
  return out;
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
  return {
    spec,
    toField,
    keyField,
    format: text(raw.format) as InputFormat | undefined,
    encoding: (text(raw.encoding) ?? 'auto') as InputEncoding,
    concurrency: parseInteger(text(raw.concurrency) ?? String(spec.defaultConcurrency), '--concurrency', 1, MAX_CONCURRENCY),
    rate,
    burst: burstText === undefined ? undefined : parseInteger(burstText, '--burst', 1),
    retries: parseInteger(text(raw.retries) ?? '3', '--retries', 0, 100),
    timeoutMs: positive(parseDuration(text(raw.timeout) ?? '10s', '--timeout'), '--timeout', text(raw.timeout)),
    graceMs: parseDuration(text(raw.grace) ?? '30s', '--grace'),
    limit: limitText === undefined ? null : parseInteger(limitText, '--limit', 1),
    inDoubt: (text(raw.inDoubt) ?? 'auto') as InDoubtPolicy,
    dryRun: raw.dryRun === true,
    json: raw.json === true,
    quiet: raw.quiet === true,
    envFile: text(raw.envFile),
    cwd,
    raw,
  };
}

/** Options a retry must not inherit from the log's run record (they belong to that run only). */
export const RUN_ONLY_OPTIONS: ReadonlySet<string> = new Set(['resume', 'force', 'dryRun', 'limit', 'out', 'json', 'quiet', 'format', 'encoding']);

/** Long flag attribute names of every channel's own options, by channel. */
const CHANNEL_OPTIONS: ReadonlyMap<string, ReadonlySet<string>> = new Map(
  CHANNELS.map((spec) => [spec.name, new Set(spec.options.map((o) => new Option(o.flags).attributeName()))]),
);

/** The settings a run record stores: common flags and the channel's own, not other channels' defaults. */
export function recordedSettings(settings: RunSettings): Record<string, unknown> {
  const own = CHANNEL_OPTIONS.get(settings.spec.name) ?? new Set<string>();
  const foreign = new Set([...CHANNEL_OPTIONS.values()].flatMap((names) => [...names]).filter((name) => !own.has(name)));
  const recorded = Object.fromEntries(Object.entries(settings.raw).filter(([name]) => !foreign.has(name)));
  return { ...recorded, channel: settings.spec.name, to: settings.toField, key: settings.keyField, concurrency: settings.concurrency, cwd: settings.cwd };
}
