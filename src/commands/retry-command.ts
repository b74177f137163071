/** `herald retry <log>`: send again the rows whose last record in a result log is failed. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadEnvFile } from '../config/env-file.js';
import { ConfigError, LogRefusedError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { isRetryable, planRetry } from '../pipeline/plan-retry.js';
import { lockLog } from '../results/log-lock.js';
import { foldLog } from '../results/log-state.js';
import { warn } from '../ui/terminal.js';
import { createChannel } from './channel-factory.js';
import type { CommandIO } from './command-io.js';
import { idleReport, preflightStopReport, runCampaign } from './run-campaign.js';
import { RUN_ONLY_OPTIONS, absolutePaths, resolveSettings } from './settings.js';
import { shellLine } from './shell-words.js';
import { verifyChannel } from './verify.js';


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
      const failedForGood = all ? 0 : [...log.keys.values()].filter((state) => isRetryable(state, true)).length;
      const why = failedForGood > 0 ? `its ${failedForGood} failed row${failedForGood === 1 ? '' : 's'} failed for good (add --all to send them again)` : 'no failed rows';
      if (!settings.quiet) io.terminal.err.write(`herald retry: nothing to retry in ${logArg}: ${why}\n`);
      if (settings.json) io.terminal.out.write(JSON.stringify(idleReport('retry', settings.spec.name, outPath)) + '\n');
      return ExitCode.Ok;
    }
    const env = settings.envFile ? loadEnvFile(settings.envFile, io.env) : io.env;
    const channel = await createChannel(settings, env, io.terminal);
    try {
      await verifyChannel(channel, settings, io.terminal, (detail) => {
        if (settings.json) io.terminal.out.write(JSON.stringify(preflightStopReport('retry', settings.spec.name, outPath, detail)) + '\n');
      });
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
