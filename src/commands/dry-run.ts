/** `herald send --dry-run`: read, validate and render every row; send nothing; write no log. */
import { openRows } from '../campaign/open-rows.js';
import { politeRules } from '../campaign/polite-run.js';
import { fileExists, prepareRun, resumeSettings } from '../campaign/prelude.js';
import { ExitCode } from '../exit-codes.js';
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
  const prior = given.resume === true && logPath !== null && fileExists(logPath) ? await foldLog(logPath) : null;
  const { settings, channel } = await prepareRun(prior ? resumeSettings(given, prior) : given, io.cwd, io.env, terminal);
  const { opened, batches } = await openRows(input, settings, channel, () => undefined).catch(async (error: unknown) => {
    await channel.close().catch(() => undefined);
    throw error;
  });
  const fold = new SummaryFold();
  const invalid: string[] = [];
  let first: SendItem<unknown> | null = null;
  let toSend = 0;
  try {
    const campaign = prior?.runs.at(-1)?.campaign ?? 'dry-run';
    const rules = await politeRules(settings);
    const plan = planRows(batches, { keyField: settings.keyField, channel, campaign, prior, inDoubt: settings.inDoubt, limit: settings.limit, rules });
    for await (const batch of plan) {
      for (const item of batch) {
        if (item.kind === 'send') {
          toSend++;
          first ??= item;
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
  const firstMessage = first ? channel.describe(first.message, first.idempotencyKey) : null;
  if (settings.json) {
    terminal.out.write(JSON.stringify({ dryRun: true, channel: settings.spec.name, encoding: opened.encoding, encodingGuessed: opened.guessed, rows: toSend + fold.rows, send: toSend, invalid: invalidCount, duplicate: duplicates, suppressed, tally: Object.fromEntries(fold.tally), invalidReasons: invalid, firstMessage }) + '\n');
  } else if (firstMessage !== null && first) {
    terminal.out.write(`--- first message (record ${first.line}, key ${first.key}) ---\n${firstMessage}\n--- end ---\n`);
  }
  if (!settings.quiet) {
    const c = terminal.color;
    const resumed = prior ? ' (resuming the log: rows it records as done are left out)' : '';
    const lines = [
      c.bold(`herald send --dry-run: nothing sent, no log written`),
      `  ${describeEncoding(inputLabel(input), opened)}`,
      `  would send ${toSend} rows through ${settings.spec.name}${resumed}`,
    ];
    if (invalidCount > 0) lines.push(c.yellow(`  invalid    ${invalidCount}`), ...invalid.map((reason) => `    ${reason}`));
    if (invalidCount > invalid.length) lines.push(`    … and ${invalidCount - invalid.length} more`);
    if (duplicates > 0) lines.push(`  duplicate  ${duplicates} (same key as an earlier row: skipped)`);
    if (suppressed > 0) lines.push(`  suppressed ${suppressed} (on a --suppress list: skipped)`);
    for (const [name, value] of fold.tally) lines.push(`  ${name.padEnd(10)} ${value}`);
    terminal.err.write(lines.join('\n') + '\n');
  }
  return invalidCount > 0 ? ExitCode.Incomplete : ExitCode.Ok;
}
