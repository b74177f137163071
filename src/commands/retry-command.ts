/** `herald retry <log>`: send again the rows whose last record in a result log is failed. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { holdLog, prepareRun } from '../campaign/prelude.js';
import { ALL_GATES, notAfterInstant, politeRun } from '../campaign/polite-run.js';
import { preflight } from '../campaign/preflight.js';
import { runQueueCampaign } from '../campaign/queue-run.js';
import { runCampaign } from '../campaign/run-campaign.js';
import { idleReport, preflightStopReport } from '../campaign/run-report.js';
import { RUN_ONLY_OPTIONS, absolutePaths, checkStoredSettings, resolveSettings } from '../campaign/settings.js';
import { ConfigError, LogRefusedError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { clockFromEnv } from '../pacing/clock.js';
import { planRetry } from '../pipeline/plan-retry.js';
import { planSource } from '../pipeline/row-source.js';
import { redisOptions } from '../queue/redis-connection.js';
import { foldLog } from '../results/log-state.js';
import { isRetryable } from '../results/row-state.js';
import { metricsFromFlags, observedWithMetrics } from '../metrics/run-metrics.js';
import { renderRunEnd } from '../ui/run-end.js';
import { terminalObserver } from '../ui/run-observer.js';
import { warn } from '../ui/terminal.js';
import type { CommandIO } from './command-io.js';
import { shellLine } from './shell-words.js';

/** Run `herald retry`; `given` holds only the flags typed on this command line. */
export async function retryCommand(logArg: string, given: Readonly<Record<string, unknown>>, io: CommandIO): Promise<ExitCode> {
  const logPath = resolve(io.cwd, logArg);
  if (!statSync(logPath, { throwIfNoEntry: false })) throw new ConfigError(`${logArg}: no such result log`);
  const outPath = given.out === undefined ? logPath : resolve(io.cwd, String(given.out));
  if (outPath !== logPath && statSync(outPath, { throwIfNoEntry: false })?.size) {
    throw new LogRefusedError(`${outPath} already exists: name a new file with --out, or leave --out out to append to ${logArg}`);
  }
  const held = await holdLog(outPath, 'retry', { keepRows: true });
  try {
    const log = outPath === logPath && held.state ? held.state : await foldLog(logPath, { keepRows: true });
    for (const warning of log.warnings) warn(io.terminal, warning);
    const last = log.runs.at(-1);
    if (!last) throw new ConfigError(`${logArg} has no run record: it was not written by herald send`);
    const inherited = Object.fromEntries(Object.entries(last.settings).filter(([name]) => !RUN_ONLY_OPTIONS.has(name) && given[name] === undefined));
    checkStoredSettings(inherited, `${logArg}, its last run record`);
    const merged = { ...inherited, ...absolutePaths(given, io.cwd) };
    const all = given.all === true;
    const states = [...log.keys.values()];
    const count = states.filter((state) => isRetryable(state, all)).length;
    const cwd = typeof last.settings.cwd === 'string' ? last.settings.cwd : io.cwd;
    if (count === 0) {
      // Nothing to send: no channel (its secrets may well be absent), just the reason.
      const settings = resolveSettings(merged, cwd);
      const failedForGood = all ? 0 : states.filter((state) => isRetryable(state, true)).length;
      const why = failedForGood > 0 ? `its ${failedForGood} failed row${failedForGood === 1 ? '' : 's'} failed for good (add --all to send them again)` : 'no failed rows';
      if (!settings.quiet) io.terminal.err.write(`herald retry: nothing to retry in ${logArg}: ${why}\n`);
      if (settings.json) io.terminal.out.write(JSON.stringify(idleReport('retry', settings.spec.name, outPath)) + '\n');
      return ExitCode.Ok;
    }
    // Through workers, this process only renders and validates: the secrets are the workers'.
    const queue = typeof given.queue === 'string' ? redisOptions(given.queue, io.env, '--queue') : null;
    const { settings, channel } = await prepareRun(merged, cwd, io.env, io.terminal, queue !== null);
    try {
      if (queue === null) {
        await preflight(channel, settings, io.terminal, (detail) => {
          if (settings.json) io.terminal.out.write(JSON.stringify(preflightStopReport('retry', settings.spec.name, outPath, detail)) + '\n');
        });
      }
      const clock = clockFromEnv(io.env);
      // A quota counts what the retried log recorded sent (an --out log is new: it holds nothing yet).
      const polite = await politeRun(settings, clock, log, queue === null ? ALL_GATES : { deadline: true, window: false, quota: true });
      const resumeCommand = shellLine(['herald', 'retry', ...io.argv.slice(1)]);
      const metrics = await metricsFromFlags(given);
      const observer = observedWithMetrics(terminalObserver(io.terminal, {
        quiet: settings.quiet,
        total: settings.limit === null ? count : Math.min(count, settings.limit),
        label: 'retry',
        resumeCommand,
        exit: io.exit,
        waiting: polite.waitingFor === null ? null : { for: polite.waitingFor, zone: polite.zone },
      }), metrics, settings.spec.name);
      const plan = planRetry(log, { channel, campaign: last.campaign, all, limit: settings.limit, rules: polite.rules, now: clock.now });
      const run = { settings, command: 'retry' as const, input: null, logPath: outPath, logEndsWithNewline: outPath === logPath ? log.endsWithNewline : true, campaign: last.campaign, channel, clock };
      const result =
        queue === null
          ? await runCampaign({ ...run, source: planSource(plan), gates: polite.gates }, observer, io.signals)
          : await runQueueCampaign({ ...run, plan, prior: log, redis: queue, gates: polite.gates, notAfter: notAfterInstant(settings, clock.now()), metrics }, observer, io.signals);
      return renderRunEnd(
        result,
        { command: 'retry', channel: settings.spec.name, logPath: outPath, title: `herald retry ${logArg}`, resumeCommand, retryCommand: shellLine(['herald', 'retry', outPath]), quiet: settings.quiet, json: settings.json, waitingFor: polite.waitingFor },
        io.terminal,
      );
    } finally {
      await channel.close().catch(() => undefined);
    }
  } finally {
    held.lock.release();
  }
}
