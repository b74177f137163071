/** `herald send --dry-run`: read, validate and render every row; send nothing; write no log. */
import { estimateCost, estimateTime, parsePrice } from '../campaign/estimate.js';
import { openRows } from '../campaign/open-rows.js';
import { politeRules } from '../campaign/polite-run.js';
import { fileExists, prepareRun, resumeSettings } from '../campaign/prelude.js';
import { SpreadSample } from '../campaign/spread-sample.js';
import { toTestRecipient } from '../campaign/test-recipient.js';
import { ExitCode } from '../exit-codes.js';
import { countRecords } from '../input/count-records.js';
import { describeEncoding } from '../input/encoding.js';
import { inputLabel } from '../input/format.js';
import { planRows } from '../pipeline/plan-rows.js';
import type { SendItem } from '../pipeline/work-item.js';
import { SummaryFold } from '../report/summary.js';
import { foldLog } from '../results/log-state.js';
import type { CommandIO } from './command-io.js';

/** How many invalid rows a dry run lists. */
const INVALID_SHOWN = 5;

/**
 * Run a dry run of `herald send`: exit 0 when every row could be sent, 3 when some are invalid.
 * With --resume it follows the log (read without its lock: nothing is written).
 */
export async function dryRun(input: string, given: Readonly<Record<string, unknown>>, logPath: string | null, io: CommandIO): Promise<ExitCode> {
  const { terminal } = io;
  const price = typeof given.price === 'string' ? parsePrice(given.price) : null;
  const prior = given.resume === true && logPath !== null && fileExists(logPath) ? await foldLog(logPath) : null;
  const prepared = await prepareRun(prior ? resumeSettings(given, prior) : given, io.cwd, io.env, terminal);
  const { settings } = prepared;
  const channel = settings.testTo !== null && settings.toField !== null ? toTestRecipient(prepared.channel, settings.toField, settings.testTo) : prepared.channel;
  const { opened, batches } = await openRows(input, settings, channel, () => undefined).catch(async (error: unknown) => {
    await channel.close().catch(() => undefined);
    throw error;
  });
  const fold = new SummaryFold();
  const invalid: string[] = [];
  const shown: SendItem<unknown>[] = [];
  let toSend = 0;
  try {
    const sample = settings.sample === null ? null : new SpreadSample(await countRecords(input, opened.format, opened.encoding), settings.sample);
    const campaign = prior?.runs.at(-1)?.campaign ?? 'dry-run';
    const rules = await politeRules(settings);
    const plan = planRows(batches, { keyField: settings.keyField, channel, campaign, prior, inDoubt: settings.inDoubt, limit: settings.limit, rules });
    for await (const batch of plan) {
      for (const item of batch) {
        if (item.kind === 'send') {
          toSend++;
          if (sample ? sample.take(item.line) : shown.length === 0) shown.push(item);
          if (channel.tally) fold.addTally(channel.tally(item.message));
          continue;
        }
        fold.add(item.record);
        if (item.record.status === 'invalid' && invalid.length < INVALID_SHOWN) invalid.push(item.record.error ?? 'invalid');
      }
    }
  } finally {
    await opened.close();
    await channel.close().catch(() => undefined);
  }
  const invalidCount = fold.count('invalid');
  const skipped = fold.toJSON().breakdown.skipped ?? {};
  const duplicates = skipped.duplicate ?? 0;
  const suppressed = skipped.suppressed ?? 0;
  const messages = shown.map((item) => ({ line: item.line, key: item.key, text: channel.describe(item.message, item.idempotencyKey) }));
  const time = estimateTime(toSend, settings.rate, settings.concurrency);
  const segments = fold.tally.get('segments');
  const cost = price === null ? null : segments !== undefined ? estimateCost(segments, 'segments', price) : estimateCost(toSend, 'messages', price);
  if (settings.json) {
    terminal.out.write(
      JSON.stringify({
        dryRun: true, channel: settings.spec.name, encoding: opened.encoding, encodingGuessed: opened.guessed, rows: toSend + fold.rows, send: toSend, invalid: invalidCount, duplicate: duplicates,
        suppressed, tally: Object.fromEntries(fold.tally), invalidReasons: invalid, firstMessage: messages[0]?.text ?? null, messages, estimate: { time, cost }, testTo: settings.testTo,
      }) + '\n',
    );
  } else {
    for (const [i, message] of messages.entries()) {
      const which = settings.sample === null ? 'first message' : `message ${i + 1} of ${messages.length}`;
      terminal.out.write(`--- ${which} (record ${message.line}, key ${message.key}) ---\n${message.text}\n--- end ---\n`);
    }
  }
  if (!settings.quiet) {
    const c = terminal.color;
    const resumed = prior ? ' (resuming the log: rows it records as done are left out)' : '';
    const lines = [
      c.bold(`herald send --dry-run: nothing sent, no log written`),
      `  ${describeEncoding(inputLabel(input), opened)}`,
      `  would send ${toSend} rows through ${settings.spec.name}${resumed}${settings.testTo !== null ? `, every one to ${settings.testTo} (--test-to)` : ''}`,
    ];
    if (invalidCount > 0) lines.push(c.yellow(`  invalid    ${invalidCount}`), ...invalid.map((reason) => `    ${reason}`));
    if (invalidCount > invalid.length) lines.push(`    … and ${invalidCount - invalid.length} more`);
    if (duplicates > 0) lines.push(`  duplicate  ${duplicates} (same key as an earlier row: skipped)`);
    if (suppressed > 0) lines.push(`  suppressed ${suppressed} (on a --suppress list: skipped)`);
    for (const [name, value] of fold.tally) lines.push(`  ${name.padEnd(10)} ${value}`);
    lines.push(`  ${'time'.padEnd(10)} ${time}`);
    if (cost !== null) lines.push(`  ${'cost'.padEnd(10)} ${cost}`);
    terminal.err.write(lines.join('\n') + '\n');
  }
  return invalidCount > 0 ? ExitCode.Incomplete : ExitCode.Ok;
}
