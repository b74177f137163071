/** `herald send <input>`: one message per row of a CSV/TSV/JSONL file, with a result log. */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { openRows } from '../campaign/open-rows.js';
import { holdLog, prepareRun, resumeSettings } from '../campaign/prelude.js';
import { ALL_GATES, notAfterInstant, politeRun } from '../campaign/polite-run.js';
import { preflight } from '../campaign/preflight.js';
import { runCampaign, type CampaignResult } from '../campaign/run-campaign.js';
import { preflightStopReport } from '../campaign/run-report.js';
import { resolveSettings, type RunSettings } from '../campaign/settings.js';
import { ConfigError, LogRefusedError, UsageError } from '../errors.js';
import type { ExitCode } from '../exit-codes.js';
import { countRecords } from '../input/count-records.js';
import type { OpenInput } from '../input/open-input.js';
import { clockFromEnv } from '../pacing/clock.js';
import { newCampaignId } from '../pipeline/idempotency.js';
import { planRows } from '../pipeline/plan-rows.js';
import { planSource } from '../pipeline/row-source.js';
import { redisOptions } from '../queue/redis-connection.js';
import { checkLogPath, refuseForeignLog } from '../results/log-file-check.js';
import type { LogState } from '../results/log-state.js';
import { metricsFromFlags, observedWithMetrics } from '../metrics/metrics-flags.js';
import { renderRunEnd } from '../ui/run-end.js';
import { terminalObserver } from '../ui/run-observer.js';
import { warn } from '../ui/terminal.js';
import type { CommandIO } from './command-io.js';
import { dryRun } from './dry-run.js';
import { checkSampling } from './sampling.js';
import { testSend } from './test-send.js';
import { shellLine } from '../render/shell-words.js';

/** The default log path for an input. */
export function defaultLogPath(input: string): string {
  return `${input}.results.jsonl`;
}

/** The command line that resumes this run: without --force, and without a --limit (the rows it left are what a resume sends). */
function resumeLine(io: CommandIO): string {
  const args: string[] = [];
  // A --not-after instant has passed once the run stopped for it: the resume would stop at once (HH:MM means the next one: kept).
  const passedDeadline = (value: string | undefined) => value !== undefined && !/^\d{1,2}:\d{2}$/.test(value.trim());
  for (let i = 0; i < io.argv.length; i++) {
    const arg = io.argv[i]!;
    if (arg === '--force' || arg === '--resume' || arg.startsWith('--limit=')) continue;
    if (arg.startsWith('--not-after=') && passedDeadline(arg.slice('--not-after='.length))) continue;
    if (arg === '--limit' || (arg === '--not-after' && passedDeadline(io.argv[i + 1]))) {
      i++;
      continue;
    }
    args.push(arg);
  }
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
 * Whether the log may be used as asked: an existing log needs --resume or --force, and --resume
 * never starts a new campaign silently in a log that holds no run record (truncated or replaced).
 */
function checkLogUse(given: Readonly<Record<string, unknown>>, log: string, exists: boolean, state: LogState | null, io: CommandIO): void {
  if (exists && given.resume !== true && given.force !== true) {
    throw new LogRefusedError(`${log} already exists: add --resume to continue it, or --force to append a new run that sends every row again`);
  }
  if (exists && given.force === true) refuseForeignLog(log);
  if (given.resume !== true) return;
  if (exists && state !== null && state.runs.length === 0) {
    throw new LogRefusedError(`${log} holds no herald run record (emptied, truncated or replaced?): --resume will not start a new campaign in it; add --force instead of --resume to send every row again, or name another --out`);
  }
  if (!exists) warn(io.terminal, `${log} does not exist yet: a new campaign starts`);
}

/** Run `herald send`. */
export async function sendCommand(inputArg: string, given: Readonly<Record<string, unknown>>, io: CommandIO): Promise<ExitCode> {
  if (given.resume === true && given.force === true) throw new UsageError('--resume and --force cannot go together: --resume continues the log, --force starts a new run in it');
  const input = inputArg === '-' ? '-' : resolve(io.cwd, inputArg);
  if (input === '-' && given.out === undefined && given.dryRun !== true) throw new UsageError('--out is required when reading stdin (-)');
  const logPath = given.out === undefined ? (input === '-' ? null : resolve(io.cwd, defaultLogPath(inputArg))) : resolve(io.cwd, String(given.out));
  // Flags that choose rows for a look or a test are checked before any secret or file is read.
  checkSampling(input, resolveSettings(given, io.cwd));
  if (given.dryRun === true) return dryRun(input, given, logPath, io);
  if (typeof given.testTo === 'string') return testSend(input, inputArg, given, io);
  const log = logPath!;
  checkLogPath(log, '--out');
  refuseInputAsLog(input, log);
  const held = await holdLog(log, 'send');
  try {
    checkLogUse(given, log, held.exists, held.state, io);
    const prior = given.resume === true ? held.state : null;
    // Through workers, this process only renders and validates: the secrets are the workers'.
    const queue = typeof given.queue === 'string' ? redisOptions(given.queue, io.env, '--queue') : null;
    const { settings, channel } = await prepareRun(prior ? resumeSettings(given, prior) : given, io.cwd, io.env, io.terminal, queue !== null);
    for (const warning of prior?.warnings ?? []) warn(io.terminal, warning);
    const { opened, batches } = await openRows(input, settings, channel, (line) => warn(io.terminal, line)).catch(async (error: unknown) => {
      await channel.close();
      throw error;
    });
    try {
      if (queue === null) {
        await preflight(channel, settings, io.terminal, (detail) => {
          if (settings.json) io.terminal.out.write(JSON.stringify(preflightStopReport('send', settings.spec.name, log, detail)) + '\n');
        });
      }
      const clock = clockFromEnv(io.env);
      // The log as it stood before this run (also under --force): a quota counts what it sent.
      const polite = await politeRun(settings, clock, held.state, queue === null ? ALL_GATES : { deadline: true, window: false, quota: true });
      const campaign = prior?.runs.at(-1)?.campaign ?? newCampaignId();
      const plan = planRows(batches, {
        keyField: settings.keyField,
        channel,
        campaign,
        prior,
        inDoubt: settings.inDoubt,
        limit: settings.limit,
        rules: polite.rules,
        now: clock.now,
        inDoubtDecidedBySender: queue !== null,
      });
      const resumeCommand = resumeLine(io);
      const metrics = await metricsFromFlags(given);
      const observer = observedWithMetrics(terminalObserver(io.terminal, {
        quiet: settings.quiet,
        total: await progressTotal(input, opened, settings, prior, io),
        label: 'send',
        resumeCommand,
        exit: io.exit,
        waiting: polite.waitingFor === null ? null : { for: polite.waitingFor, zone: polite.zone },
      }), metrics, settings.spec.name);
      const run = { settings, command: 'send' as const, input, logPath: log, logEndsWithNewline: held.state?.endsWithNewline ?? true, campaign, channel, clock, prior };
      const result =
        queue === null
          ? await runCampaign({ ...run, source: planSource(plan), gates: polite.gates, stopOnSameAnswer: !settings.keepGoing }, observer, io.signals)
          : await (await import('../campaign/queue-run.js')).runQueueCampaign({ ...run, plan, redis: queue, stopOnSameAnswer: !settings.keepGoing, gates: polite.gates, notAfter: notAfterInstant(settings, clock.now()), metrics }, observer, io.signals);
      const notReached = await notReachedRows(input, opened, settings, result);
      return renderRunEnd(
        result,
        {
          command: 'send', channel: settings.spec.name, logPath: log, title: `herald send ${inputArg}`, resumeCommand, retryCommand: shellLine(['herald', 'retry', log, ...(queue !== null ? ['--queue', String(given.queue)] : [])]),
          notReached, quiet: settings.quiet, json: settings.json, waitingFor: polite.waitingFor,
        },
        io.terminal,
      );
    } finally {
      await opened.close();
      await channel.close().catch(() => undefined);
    }
  } finally {
    held.lock.release();
  }
}

/** Input rows no run has reached, after a --limit or a stop (null when the input cannot be counted). */
async function notReachedRows(input: string, opened: OpenInput, settings: RunSettings, result: CampaignResult): Promise<number | null> {
  if (input === '-' || !result.campaign) return null;
  if (settings.limit === null && result.outcome.stopped === null && result.outcome.deferred === 0) return 0;
  const total = await countRecords(input, opened.format, opened.encoding).catch(() => null);
  if (total === null) return null;
  const left = result.outcome.waiting + result.outcome.cutOff;
  // Rows a gate deferred (a sending window) have no record either; the summary counts them apart.
  return Math.max(0, total - result.campaign.counts(left).recorded - result.outcome.deferred);
}

/** Rows the progress bar expects: a fast pre-count of the file, less what a resumed log has done. */
async function progressTotal(input: string, opened: OpenInput, settings: RunSettings, prior: LogState | null, io: CommandIO): Promise<number | null> {
  if (input === '-' || settings.quiet || !io.terminal.err.isTTY) return null;
  let total = await countRecords(input, opened.format, opened.encoding);
  if (prior) total -= prior.keys.size + prior.settledLines.size;
  if (settings.limit !== null) total = Math.min(total, settings.limit);
  return Math.max(0, total);
}
