/** `herald retry <log>`: send again the rows whose last record in a result log is failed. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { holdLog, prepareRun } from '../campaign/prelude.js';
import { ALL_GATES, notAfterInstant, politeRun } from '../campaign/polite-run.js';
import { preflight } from '../campaign/preflight.js';
import { runCampaign } from '../campaign/run-campaign.js';
import { idleReport, preflightStopReport } from '../campaign/run-report.js';
import { RUN_ONLY_OPTIONS, absolutePaths, checkStoredSettings, resolveSettings } from '../campaign/settings.js';
import { ConfigError, LogRefusedError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { clockFromEnv } from '../pacing/clock.js';
import type { InDoubtPolicy } from '../pipeline/in-doubt.js';
import { planRetry, retryCounts } from '../pipeline/plan-retry.js';
import { planSource } from '../pipeline/row-source.js';
import { redisOptions } from '../queue/redis-connection.js';
import { checkLogPath } from '../results/log-file-check.js';
import { foldLog, type KeyState } from '../results/log-state.js';
import { isRetryable, leftOutOfAll } from '../results/row-state.js';
import { plural } from '../report/summary-text.js';
import { metricsFromFlags, observedWithMetrics } from '../metrics/metrics-flags.js';
import { renderRunEnd } from '../ui/run-end.js';
import { terminalObserver } from '../ui/run-observer.js';
import { warn } from '../ui/terminal.js';
import type { CommandIO } from './command-io.js';
import { shellLine } from '../render/shell-words.js';

/** Run `herald retry`; `given` holds only the flags typed on this command line. */
export async function retryCommand(logArg: string, given: Readonly<Record<string, unknown>>, io: CommandIO): Promise<ExitCode> {
  const logPath = resolve(io.cwd, logArg);
  if (!statSync(logPath, { throwIfNoEntry: false })) throw new ConfigError(`${logArg}: no such result log`);
  checkLogPath(logPath, 'the log');
  if (given.includeUnknownMailboxes === true && given.all !== true) {
    throw new UsageError('--include-unknown-mailboxes widens --all: add --all (herald retry alone never sends permanent failures)');
  }
  const outPath = given.out === undefined ? logPath : resolve(io.cwd, String(given.out));
  checkLogPath(outPath, '--out');
  if (outPath !== logPath && statSync(outPath, { throwIfNoEntry: false })?.size) {
    throw new LogRefusedError(`${outPath} already exists: name a new file with --out, or leave --out out to append to ${logArg}`);
  }
  const held = await holdLog(outPath, 'retry');
  try {
    const log = outPath === logPath && held.state ? held.state : await foldLog(logPath);
    for (const warning of log.warnings) warn(io.terminal, warning);
    const last = log.runs.at(-1);
    if (!last) throw new ConfigError(`${logArg} has no run record: it was not written by herald send`);
    const inherited = Object.fromEntries(Object.entries(last.settings).filter(([name]) => !RUN_ONLY_OPTIONS.has(name) && given[name] === undefined));
    checkStoredSettings(inherited, `${logArg}, its last run record`);
    const merged = { ...inherited, ...absolutePaths(given, io.cwd) };
    const scope = { all: given.all === true, unknownMailboxes: given.includeUnknownMailboxes === true };
    let count = 0;
    for (const state of log.keys.values()) if (isRetryable(state, scope)) count++;
    const cwd = typeof last.settings.cwd === 'string' ? last.settings.cwd : io.cwd;
    if (count === 0) {
      // Nothing to send: no channel (its secrets may well be absent), just the reason.
      const settings = resolveSettings(merged, cwd);
      if (!settings.quiet) io.terminal.err.write(`herald retry: nothing to retry in ${logArg}: ${nothingWhy(log.keys.values(), scope.all)}\n`);
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
      const inDoubt = typeof given.inDoubt === 'string' ? (given.inDoubt as InDoubtPolicy) : 'auto';
      const { toSend, leftInDoubt } = retryCounts(log, { channel, all: scope, inDoubt });
      if (leftInDoubt > 0) {
        const line = leftInDoubtLine(leftInDoubt, settings.spec.name, channel.reconcile !== undefined, logArg);
        if (toSend === 0) {
          if (!settings.quiet) io.terminal.err.write(`herald retry: nothing sent from ${logArg}: ${line}\n`);
          if (settings.json) io.terminal.out.write(JSON.stringify({ ...idleReport('retry', settings.spec.name, outPath), leftInDoubt }) + '\n');
          return ExitCode.Ok;
        }
        warn(io.terminal, line);
      }
      const clock = clockFromEnv(io.env);
      // A quota counts what the retried log recorded sent (an --out log is new: it holds nothing yet).
      const polite = await politeRun(settings, clock, log, queue === null ? ALL_GATES : { deadline: true, window: false, quota: true });
      const resumeCommand = shellLine(['herald', 'retry', ...io.argv.slice(1)]);
      const metrics = await metricsFromFlags(given);
      const observer = observedWithMetrics(terminalObserver(io.terminal, {
        quiet: settings.quiet,
        total: settings.limit === null ? toSend : Math.min(toSend, settings.limit),
        label: 'retry',
        resumeCommand,
        exit: io.exit,
        waiting: polite.waitingFor === null ? null : { for: polite.waitingFor, zone: polite.zone },
      }), metrics, settings.spec.name);
      const plan = planRetry(log, { channel, campaign: last.campaign, all: scope, limit: settings.limit, rules: polite.rules, now: clock.now, inDoubt });
      const run = { settings, command: 'retry' as const, input: null, logPath: outPath, logEndsWithNewline: outPath === logPath ? log.endsWithNewline : true, campaign: last.campaign, channel, clock, prior: log };
      const result =
        queue === null
          ? await runCampaign({ ...run, source: planSource(plan), gates: polite.gates, stopOnSameAnswer: !settings.keepGoing && !scope.all }, observer, io.signals)
          : await (await import('../campaign/queue-run.js')).runQueueCampaign({ ...run, plan, redis: queue, stopOnSameAnswer: !settings.keepGoing && !scope.all, gates: polite.gates, notAfter: notAfterInstant(settings, clock.now()), metrics }, observer, io.signals);
      return renderRunEnd(
        result,
        { command: 'retry', channel: settings.spec.name, logPath: outPath, title: `herald retry ${logArg}`, resumeCommand, retryCommand: shellLine(['herald', 'retry', outPath, ...(queue !== null ? ['--queue', String(given.queue)] : [])]), planned: toSend, quiet: settings.quiet, json: settings.json, waitingFor: polite.waitingFor },
        io.terminal,
      );
    } finally {
      await channel.close().catch(() => undefined);
    }
  } finally {
    held.lock.release();
  }
}

/** Why a retry finds nothing to send: no failed rows, or only rows it leaves out (and why). */
function nothingWhy(states: Iterable<KeyState>, all: boolean): string {
  let failed = 0;
  let optedOut = 0;
  let unknown = 0;
  for (const state of states) {
    if (state.status !== 'failed') continue;
    failed++;
    const left = leftOutOfAll(state);
    if (left === 'opted-out') optedOut++;
    else if (left === 'unknown-mailbox') unknown++;
  }
  if (failed === 0) return 'no failed rows';
  const parts: string[] = [];
  const forGood = failed - optedOut - unknown;
  if (forGood > 0 && !all) parts.push(`its ${plural(forGood, 'failed row')} failed for good (add --all to send them again)`);
  if (optedOut > 0) parts.push(`${plural(optedOut, 'recipient')} opted out (herald never sends to them again)`);
  if (unknown > 0) parts.push(`${plural(unknown, 'mailbox', 'mailboxes')} do${unknown === 1 ? 'es' : ''} not exist (herald retry leaves them out)`);
  return parts.join('; ');
}

/** The line that says how many rows in doubt a retry leaves, why, and how to send them anyway. */
function leftInDoubtLine(count: number, channel: string, canAsk: boolean, logArg: string): string {
  const why = canAsk ? 'the --in-doubt policy says not to ask the provider' : `${channel} cannot be asked whether they arrived and does not drop duplicates`;
  return `left ${plural(count, 'row')} in doubt (they may already be delivered: ${why}); ${shellLine(['herald', 'retry', logArg, '--in-doubt', 'resend'])} sends them anyway, at the risk of a duplicate`;
}
