/**
 * `herald send … --test-to ADDRESS`: the chosen rows (`--limit N`, default 1, or `--sample K` spread
 * through the file) rendered as the campaign would render them, every message delivered to
 * ADDRESS. Nothing is written to any log (no lock is taken either), and the idempotency keys
 * belong to a campaign of their own: the first real customer never gets the test, and the real
 * send later is not taken for a duplicate of it.
 */
import { openRows } from '../campaign/open-rows.js';
import { prepareRun } from '../campaign/prelude.js';
import { preflight } from '../campaign/preflight.js';
import { runCampaign } from '../campaign/run-campaign.js';
import { preflightStopReport } from '../campaign/run-report.js';
import { SpreadSample, sampledPlan } from '../campaign/spread-sample.js';
import { toTestRecipient } from '../campaign/test-recipient.js';
import type { ExitCode } from '../exit-codes.js';
import { countRecords } from '../input/count-records.js';
import { newCampaignId } from '../pipeline/idempotency.js';
import { planRows } from '../pipeline/plan-rows.js';
import { planSource } from '../pipeline/row-source.js';
import { renderRunEnd } from '../ui/run-end.js';
import { terminalObserver } from '../ui/run-observer.js';
import { warn } from '../ui/terminal.js';
import type { CommandIO } from './command-io.js';
import { shellLine } from '../render/shell-words.js';

/** Flags that make a run a test, with whether they take a value. */
const TEST_FLAGS: ReadonlyMap<string, boolean> = new Map([['--test-to', true], ['--sample', true], ['--limit', true]]);

/** The command line of the real send: this one without the flags that made it a test. */
export function realSendLine(argv: readonly string[]): string {
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i]!;
    const name = word.split('=')[0]!;
    if (TEST_FLAGS.has(name)) {
      if (!word.includes('=') && TEST_FLAGS.get(name)) i++;
      continue;
    }
    words.push(word);
  }
  return shellLine(['herald', ...words]);
}

/** Run a test send. */
export async function testSend(input: string, inputArg: string, given: Readonly<Record<string, unknown>>, io: CommandIO): Promise<ExitCode> {
  const prepared = await prepareRun(given, io.cwd, io.env, io.terminal);
  const { settings } = prepared;
  const address = settings.testTo!;
  const channel = toTestRecipient(prepared.channel, settings.toField!, address);
  const { opened, batches } = await openRows(input, settings, channel, (line) => warn(io.terminal, line)).catch(async (error: unknown) => {
    await channel.close();
    throw error;
  });
  try {
    await preflight(channel, settings, io.terminal, (detail) => {
      if (settings.json) io.terminal.out.write(JSON.stringify({ ...preflightStopReport('send', settings.spec.name, '', detail), log: null, testTo: address }) + '\n');
    });
    const limit = settings.sample === null ? (settings.limit ?? 1) : null;
    const plan = planRows(batches, { keyField: settings.keyField, channel, campaign: newCampaignId(), prior: null, inDoubt: settings.inDoubt, limit });
    const source = settings.sample === null ? plan : sampledPlan(plan, new SpreadSample(await countRecords(input, opened.format, opened.encoding), settings.sample));
    const resumeCommand = shellLine(['herald', ...io.argv]);
    const observer = terminalObserver(io.terminal, { quiet: settings.quiet, total: settings.sample ?? limit, label: 'test', resumeCommand, exit: io.exit });
    const result = await runCampaign(
      { settings, command: 'send', input, logPath: null, logEndsWithNewline: true, campaign: 'test', channel, source: planSource(source), stopOnSameAnswer: false },
      observer,
      io.signals,
    );
    return renderRunEnd(
      result,
      {
        command: 'send', channel: settings.spec.name, logPath: null, title: `herald send ${inputArg} --test-to ${address}`, resumeCommand, retryCommand: resumeCommand,
        testSend: { to: address, realCommand: realSendLine(io.argv) }, quiet: settings.quiet, json: settings.json,
      },
      io.terminal,
    );
  } finally {
    await opened.close();
    await channel.close().catch(() => undefined);
  }
}
