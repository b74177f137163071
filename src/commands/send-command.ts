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
import { runCampaign } from './run-campaign.js';
import { resolveSettings, type RunSettings } from './settings.js';
import { shellLine } from './shell-words.js';


/** The default log path for an input. */
export function defaultLogPath(input: string): string {
  return `${input}.results.jsonl`;
}

function logExists(path: string): boolean {
  try {
    return statSync(path).size > 0;
  } catch {
    return false;
  }
}

/** The command line that resumes this run. */
function resumeLine(io: CommandIO): string {
  const args = io.argv.filter((arg) => arg !== '--force' && arg !== '--resume');
  return shellLine(['herald', ...args, '--resume']);
}

/** Refuse a log that exists unless --resume/--force; read it when resuming. */
async function priorLog(logPath: string, raw: Readonly<Record<string, unknown>>, settings: RunSettings): Promise<{ state: LogState | null; endsWithNewline: boolean }> {
  if (raw.resume === true && raw.force === true) throw new UsageError('--resume and --force cannot go together: --resume continues the log, --force starts a new run in it');
  if (!logExists(logPath)) return { state: null, endsWithNewline: true };
  if (raw.resume !== true && raw.force !== true) {
    throw new LogRefusedError(`${logPath} already exists: add --resume to continue it, or --force to append a new run that sends every row again`);
  }
  const state = await foldLog(logPath);
  const last = state.runs.at(-1);
  if (raw.resume === true && last && last.channel !== settings.spec.name) {
    throw new ConfigError(`${logPath} was written by --channel ${last.channel}; resume it with the same channel`);
  }
  return { state: raw.resume === true ? state : null, endsWithNewline: state.endsWithNewline };
}

/** Run `herald send`. */
export async function sendCommand(inputArg: string, raw: Readonly<Record<string, unknown>>, io: CommandIO): Promise<ExitCode> {
  const settings = resolveSettings(raw, io.cwd);
  const env = settings.envFile ? loadEnvFile(settings.envFile, io.env) : io.env;
  const input = inputArg === '-' ? '-' : resolve(io.cwd, inputArg);
  if (settings.dryRun) return dryRun(input, settings, env, io);
  if (input === '-' && raw.out === undefined) throw new UsageError('--out is required when reading stdin (-)');
  const logPath = resolve(io.cwd, raw.out === undefined ? defaultLogPath(inputArg) : String(raw.out));
  const prior = await priorLog(logPath, raw, settings);
  const lock = lockLog(logPath, 'send');
  try {
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
      await verifyChannel(channel, settings, io.terminal);
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
          logPath,
          logEndsWithNewline: prior.endsWithNewline,
          campaign,
          channel,
          plan,
          total: await progressTotal(input, opened, settings, prior.state, io),
          resumeCommand: resumeLine(io),
          retryCommand: shellLine(['herald', 'retry', logPath]),
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
