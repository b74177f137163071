/**
 * What `herald send`, `herald retry` and `--dry-run` do before the first row: hold the result log
 * (lock first, then look at it: what it holds is decided only while no other herald can change
 * it), resolve the settings, read the environment and create the channel.
 */
import { statSync } from 'node:fs';
import type { Channel } from '../channels/channel.js';
import { loadEnvFile } from '../config/env-file.js';
import { envReferences } from '../config/expand-env.js';
import { ConfigError } from '../errors.js';
import { lockLog, type LogLock } from '../results/log-lock.js';
import { foldLog, type LogState } from '../results/log-state.js';
import type { Terminal } from '../ui/terminal.js';
import { createChannel } from './channel-factory.js';
import { resolveSettings, type RunSettings } from './settings.js';

/** The environment a run reads its secrets from. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** A result log held for a run: its lock, and what it held when the lock was taken. */
export interface HeldLog {
  readonly path: string;
  readonly lock: LogLock;
  /** Whether the file existed once the lock was ours. */
  readonly exists: boolean;
  /** The log folded, when it existed. */
  readonly state: LogState | null;
}

/** Whether a file is there (even empty: the contract refuses any existing --out without --resume/--force). */
export function fileExists(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false }) !== undefined;
}

/**
 * Take the log's lock, then look at it. Deciding "exists" before the lock would let a run that
 * finished in between go unseen, and a cron job's `--resume` start a new campaign on a finished log.
 */
export async function holdLog(path: string, command: string): Promise<HeldLog> {
  const lock = lockLog(path, command);
  try {
    if (process.env.HERALD_TEST_DELAY_AFTER_LOCK_MS) await testDelay(Number(process.env.HERALD_TEST_DELAY_AFTER_LOCK_MS));
    const exists = fileExists(path);
    const state = exists ? await foldLog(path) : null;
    return { path, lock, exists, state };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/** Tests only: widen the window between two steps to prove a race closed. */
function testDelay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * On --resume, the key and recipient fields are the log's: taken from its last run when not
 * given, refused when given differently (other keys would send every row again).
 */
export function resumeSettings(given: Readonly<Record<string, unknown>>, log: LogState): Record<string, unknown> {
  const last = log.runs.at(-1);
  if (!last) return { ...given };
  if (given.channel !== undefined && given.channel !== last.channel) {
    throw new ConfigError(`${log.path} was written by --channel ${last.channel}; resume it with the same channel`);
  }
  const merged: Record<string, unknown> = { ...given };
  for (const [flag, name] of [['--key', 'key'], ['--to', 'to']] as const) {
    const logged = last.settings[name];
    if (logged === undefined || logged === null) continue;
    if (given[name] === undefined) merged[name] = logged;
    else if (given[name] !== logged) {
      throw new ConfigError(`${log.path} was written with ${flag} ${String(logged)}; resume it with the same ${flag} (or start over with --force)`);
    }
  }
  return merged;
}

/** A run's settings, environment and channel. */
export interface PreparedRun {
  readonly settings: RunSettings;
  readonly env: Environment;
  readonly channel: Channel;
}

/**
 * Resolve the settings (relative paths against `cwd`), read --env-file, create the channel
 * (`renderOnly`: for rendering and validating rows, without the secrets sending needs).
 */
export async function prepareRun(raw: Readonly<Record<string, unknown>>, cwd: string, env: Environment, terminal: Terminal, renderOnly = false): Promise<PreparedRun> {
  const settings = resolveSettings(raw, cwd);
  const runEnv = settings.envFile ? loadEnvFile(settings.envFile, env) : env;
  const channel = renderOnly ? await createChannel({ ...settings, dryRun: true }, withStandIns(settings.raw, runEnv), terminal) : await createChannel(settings, runEnv, terminal);
  return { settings, env: runEnv, channel };
}

/**
 * The environment of a process that renders rows but sends none: a `${VAR}` a flag refers to (a
 * token in a header) stands in as a dummy when this process does not have it, since only the
 * processes that send need the secret.
 */
function withStandIns(raw: Readonly<Record<string, unknown>>, env: Environment): Environment {
  const standIns: Record<string, string> = {};
  for (const value of Object.values(raw)) {
    for (const text of Array.isArray(value) ? value : [value]) {
      if (typeof text !== 'string') continue;
      for (const name of envReferences(text)) if (env[name] === undefined) standIns[name] = 'x';
    }
  }
  return Object.keys(standIns).length === 0 ? env : { ...env, ...standIns };
}
