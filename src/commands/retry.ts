/** `herald retry <log>`: send again the rows whose last record in a result log is failed. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command } from 'commander';
import { loadEnvFile } from '../config/env-file.js';
import { ConfigError, LogRefusedError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { isRetryable, planRetry } from '../pipeline/plan-retry.js';
import { lockLog } from '../results/log-lock.js';
import { foldLog } from '../results/log-state.js';
import { warn } from '../ui/terminal.js';
import { createChannel } from './channel-factory.js';
import type { CommandIO } from './command-io.js';
import { addChannelFlags, addFlowFlags, addLogFlags, addOutputFlags } from './flags.js';
import { runCampaign } from './run-campaign.js';
import { RUN_ONLY_OPTIONS, absolutePaths, resolveSettings } from './settings.js';
import { shellLine } from './shell-words.js';
import { verifyChannel } from './verify.js';

const EXAMPLES = `
Examples:
  $ herald retry customers.csv.results.jsonl
  $ herald retry customers.csv.results.jsonl --all --rate 50/s
  $ herald retry customers.csv.results.jsonl --out retry-1.results.jsonl`;

/** Run `herald retry`; `given` holds only the flags typed on this command line. */
export async function retryCommand(logArg: string, given: Readonly<Record<string, unknown>>, io: CommandIO): Promise<ExitCode> {
  const logPath = resolve(io.cwd, logArg);
  try {
    statSync(logPath);
  } catch {
    throw new ConfigError(`${logArg}: no such result log`);
  }
  const outPath = given.out === undefined ? logPath : resolve(io.cwd, String(given.out));
  if (outPath !== logPath && statSync(outPath, { throwIfNoEntry: false })?.size) {
    throw new LogRefusedError(`${outPath} already exists: name a new file with --out, or leave --out out to append to ${logArg}`);
  }
  const lock = lockLog(outPath, 'retry');
  try {
    const log = await foldLog(logPath, { keepRows: true });
    for (const warning of log.warnings) warn(io.terminal, warning);
    const last = log.runs.at(-1);
    if (!last) throw new ConfigError(`${logArg} has no run record: it was not written by herald send`);
    const inherited = Object.fromEntries(Object.entries(last.settings).filter(([name]) => !RUN_ONLY_OPTIONS.has(name)));
    const merged = { ...inherited, ...absolutePaths(given, io.cwd) };
    const settings = resolveSettings(merged, typeof last.settings.cwd === 'string' ? last.settings.cwd : io.cwd);
    const all = given.all === true;
    const count = [...log.keys.values()].filter((state) => isRetryable(state, all)).length;
    if (count === 0) {
      if (!settings.quiet) io.terminal.err.write(`herald retry: nothing to retry in ${logArg}: no failed rows${all ? '' : ' (use --all to include permanent failures)'}\n`);
      if (settings.json) io.terminal.out.write(JSON.stringify({ command: 'retry', log: outPath, rows: 0, exitCode: 0 }) + '\n');
      return ExitCode.Ok;
    }
    const env = settings.envFile ? loadEnvFile(settings.envFile, io.env) : io.env;
    const channel = await createChannel(settings, env, io.terminal);
    try {
      await verifyChannel(channel, settings, io.terminal);
      const endsWithNewline = outPath === logPath ? log.endsWithNewline : true;
      return await runCampaign(
        {
          settings,
          command: 'retry',
          input: null,
          logPath: outPath,
          logEndsWithNewline: endsWithNewline,
          campaign: last.campaign,
          channel,
          plan: planRetry(log, { channel, campaign: last.campaign, all, limit: settings.limit }),
          total: settings.limit === null ? count : Math.min(count, settings.limit),
          resumeCommand: shellLine(['herald', 'retry', ...io.argv.slice(1)]),
          retryCommand: shellLine(['herald', 'retry', outPath]),
          title: `herald retry ${logArg}`,
        },
        io,
      );
    } finally {
      await channel.close().catch(() => undefined);
    }
  } finally {
    lock.release();
  }
}

/** Register `herald retry` on the program. */
export function registerRetry(program: Command, io: CommandIO, setExit: (code: ExitCode) => void): void {
  const command = new Command('retry')
    .summary('send again the rows whose last record in a result log is failed')
    .description(
      'Send again the rows whose last record is failed with class retryable, throttled, in-doubt or fatal (--all: every failed row), with the settings of the log\'s last run; flags given here override them. Appends to the same log unless --out names another.',
    )
    .argument('<log>', 'result log written by herald send')
    .option('--all', 'retry every failed row, permanent failures included')
    .option('--limit <n>', 'retry only the first N rows');
  addLogFlags(command, true);
  addFlowFlags(command);
  addOutputFlags(command);
  addChannelFlags(command);
  command.addHelpText('after', EXAMPLES).action(async (log: string, _options: Record<string, unknown>, self: Command) => {
    const given = Object.fromEntries(Object.keys(self.opts()).filter((name) => self.getOptionValueSource(name) === 'cli').map((name) => [name, self.getOptionValue(name)]));
    setExit(await retryCommand(log, given, io));
  });
  program.addCommand(command);
}
