/** `herald send <input>`: one message per row of a CSV/TSV/JSONL file, with a result log. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadEnvFile } from '../config/env-file.js';
import { ConfigError, LogRefusedError, UsageError } from '../errors.js';
import type { ExitCode } from '../exit-codes.js';
import { countRecords } from '../input/count-records.js';
import { openInput, type OpenInput } from '../input/open-input.js';
import { newCampaignId } from '../pipeline/idempotency.js';
import { planRows } from '../pipeline/plan-rows.js';
import { lockLog } from '../results/log-lock.js';
import { foldLog, type LogState } from '../results/log-state.js';
import { createChannel } from './channel-factory.js';
import type { CommandIO } from './command-io.js';
import { dryRun } from './dry-run.js';
import { verifyChannel } from './verify.js';
import { preflightStopReport, runCampaign } from './run-campaign.js';
import { resolveSettings, type RunSettings } from './settings.js';
import { shellLine } from './shell-words.js';


/** The default log path for an input. */
export function defaultLogPath(input: string): string {
  return `${input}.results.jsonl`;
}

/** Whether a log file is there (even empty: the contract refuses any existing --out without --resume/--force). */
function logExists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** The command line that resumes this run. */
function resumeLine(io: CommandIO): string {
  const args = io.argv.filter((arg) => arg !== '--force' && arg !== '--resume');
  return shellLine(['herald', ...args, '--resume']);
}

/** Refuse an --out that is the input itself (herald would read its own records as rows). */
function refuseInputAsLog(input: string, logPath: string): void {
  if (input === '-') return;
  const a = statSync(input, { throwIfNoEntry: false });
  const b = statSync(logPath, { throwIfNoEntry: false });
  if (logPath === input || (a && b && a.dev === b.dev && a.ino === b.ino)) {
    throw new ConfigError(`--out ${logPath} is the input file itself: name another file for the result log`);
  }
}

/**
 * On --resume, the key and recipient fields are the log's: taken from its last run when not
 * given, refused when given differently (other keys would send every row again).
 */
function resumeSettings(given: Readonly<Record<string, unknown>>, log: LogState, logPath: string): Record<string, unknown> {
  const last = log.runs.at(-1);
  if (!last) return { ...given };
  if (given.channel !== undefined && given.channel !== last.channel) {
    throw new ConfigError(`${logPath} was written by --channel ${last.channel}; resume it with the same channel`);
  }
  const merged: Record<string, unknown> = { ...given };
  for (const [flag, name] of [['--key', 'key'], ['--to', 'to']] as const) {
    const logged = last.settings[name];
    if (logged === undefined || logged === null) continue;
    if (given[name] === undefined) merged[name] = logged;
    else if (given[name] !== logged) {
      throw new ConfigError(`${logPath} was written with ${flag} ${String(logged)}; resume it with the same ${flag} (or start over with --force)`);
    }
  }
  return merged;
}

/** Run `herald send`. */
export async function sendCommand(inputArg: string, given: Readonly<Record<string, unknown>>, io: CommandIO): Promise<ExitCode> {
  if (given.resume === true && given.force === true) throw new UsageError('--resume and --force cannot go together: --resume continues the log, --force starts a new run in it');
  const input = inputArg === '-' ? '-' : resolve(io.cwd, inputArg);
  const dry = given.dryRun === true;
  if (input === '-' && given.out === undefined && !dry) throw new UsageError('--out is required when reading stdin (-)');
  const logPath = given.out === undefined ? (input === '-' ? null : resolve(io.cwd, defaultLogPath(inputArg))) : resolve(io.cwd, String(given.out));
  const exists = logPath !== null && logExists(logPath);
  if (dry) {
    const prior = given.resume === true && exists ? await foldLog(logPath) : null;
    const raw = prior ? resumeSettings(given, prior, logPath!) : given;
    const settings = resolveSettings(raw, io.cwd);
    return dryRun(input, settings, settings.envFile ? loadEnvFile(settings.envFile, io.env) : io.env, io, prior);
  }
  const log = logPath!;
  refuseInputAsLog(input, log);
  if (exists && given.resume !== true && given.force !== true) {
    throw new LogRefusedError(`${log} already exists: add --resume to continue it, or --force to append a new run that sends every row again`);
  }
  const lock = lockLog(log, 'send');
  try {
    // Read the log only once it is ours: another run may have been finishing it.
    const folded = exists ? await foldLog(log) : null;
    const raw = given.resume === true && folded ? resumeSettings(given, folded, log) : given;
    const settings = resolveSettings(raw, io.cwd);
    const env = settings.envFile ? loadEnvFile(settings.envFile, io.env) : io.env;
    const prior = { state: given.resume === true ? folded : null, endsWithNewline: folded?.endsWithNewline ?? true };
    for (const warning of prior.state?.warnings ?? []) io.terminal.err.write(`herald: warning: ${warning}\n`);
    const channel = await createChannel(settings, env, io.terminal);
    const opened = await openInput({ path: input, ...(settings.format ? { format: settings.format } : {}), encoding: settings.encoding }).catch(async (error: unknown) => {
      await channel.close();
      throw error;
    });
    try {
      if (opened.columns && !opened.columns.includes(settings.keyField)) {
        throw new ConfigError(`${inputArg} has no column '${settings.keyField}' (the key: use --key FIELD); its columns are: ${opened.columns.join(', ')}`);
      }
      await verifyChannel(channel, settings, io.terminal, (detail) => {
        if (settings.json) io.terminal.out.write(JSON.stringify(preflightStopReport('send', settings.spec.name, log, detail)) + '\n');
      });
      const campaign = prior.state?.runs.at(-1)?.campaign ?? newCampaignId();
      const plan = planRows(opened.batches, {
        keyField: settings.keyField,
        channel,
        campaign,
        prior: prior.state,
        inDoubt: settings.inDoubt,
        limit: settings.limit,
      });
      return await runCampaign(
        {
          settings,
          command: 'send',
          input,
          logPath: log,
          logEndsWithNewline: prior.endsWithNewline,
          campaign,
          channel,
          plan,
          total: await progressTotal(input, opened, settings, prior.state, io),
          resumeCommand: resumeLine(io),
          retryCommand: shellLine(['herald', 'retry', log]),
          title: `herald send ${inputArg}`,
        },
        io,
      );
    } finally {
      await opened.close();
      await channel.close().catch(() => undefined);
    }
  } finally {
    lock.release();
  }
}

/** Rows the progress bar expects: a fast pre-count of the file, less what a resumed log has done. */
async function progressTotal(input: string, opened: OpenInput, settings: RunSettings, prior: LogState | null, io: CommandIO): Promise<number | null> {
  if (input === '-' || settings.quiet || !io.terminal.err.isTTY) return null;
  let total = await countRecords(input, opened.format, opened.encoding);
  if (prior) total -= prior.keys.size + prior.settledLines.size;
  if (settings.limit !== null) total = Math.min(total, settings.limit);
  return Math.max(0, total);
}
