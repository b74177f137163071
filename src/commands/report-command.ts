/** `herald report <log>`: what happened to every row of a result log, as text or one JSON object. */
import { statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { decodeRecord } from '../results/codec.js';
import { firstLine } from '../results/log-file-check.js';
import { foldLog, type LogState } from '../results/log-state.js';
import { finalRows } from '../report/final-rows.js';
import { renderPage } from '../report/html-page.js';
import { collectPageData } from '../report/page-data.js';
import { exportRows } from '../report/row-export.js';
import { parseRowSelector, type RowSelector } from '../report/row-selector.js';
import { buildReport } from '../report/log-report.js';
import { recommendNext } from '../report/recommend.js';
import { plural, summaryText } from '../report/summary-text.js';
import { warn } from '../ui/terminal.js';
import type { CommandIO } from './command-io.js';
import { countInputRows } from './input-rows.js';
import { resumeLineOf } from './resume-line.js';
import { shellLine } from '../render/shell-words.js';

/** What --rows, --format and --html ask for, checked before the log is read. */
interface Outputs {
  readonly rows: { readonly select: RowSelector; readonly format: 'csv' | 'jsonl' } | null;
  readonly html: string | null;
}

function checkOutputs(options: Readonly<Record<string, unknown>>, cwd: string): Outputs {
  const format = options.format ?? 'csv';
  if (format !== 'csv' && format !== 'jsonl') throw new UsageError(`--format '${String(format)}': expected csv or jsonl`);
  const html = typeof options.html === 'string' ? resolve(cwd, options.html) : null;
  if (typeof options.rows !== 'string') {
    if (options.format !== undefined && options.format !== 'csv') throw new UsageError('--format applies to --rows: add --rows failed (or another status)');
    return { rows: null, html };
  }
  if (options.json === true || html !== null) throw new UsageError('--rows writes rows to stdout: use it without --json and --html');
  return { rows: { select: parseRowSelector(options.rows), format }, html: null };
}

/** A page never overwrites a result log: the one reported on (a slip of tab completion), or another. */
function checkPageTarget(page: string, flag: string, log: string): void {
  const target = statSync(page, { throwIfNoEntry: false });
  if (!target?.isFile()) return;
  const source = statSync(log);
  if (target.dev === source.dev && target.ino === source.ino) throw new ConfigError(`--html ${flag} is the result log itself: name a new file for the page (report.html)`);
  let record: unknown = null;
  try {
    record = decodeRecord(JSON.parse(firstLine(page)));
  } catch {
    return;
  }
  if (record !== null) throw new ConfigError(`--html ${flag} is a herald result log: name another file for the page`);
}

/** Input rows of the log's campaign no run reached (when its input file is still there), and the command that resumes it. */
async function whatIsLeft(log: LogState, logArg: string): Promise<{ notReached: number; counted: boolean; resumeCommand: string | null }> {
  const campaign = log.runs.at(-1)?.campaign;
  const send = log.runs.findLast((run) => run.command === 'send' && run.campaign === campaign);
  if (!send) return { notReached: 0, counted: false, resumeCommand: null };
  const total = await countInputRows(send.input, send.settings.format, send.settings.encoding);
  const recorded = log.keys.size + log.settledLines.size;
  return { notReached: total === null ? 0 : Math.max(0, total - recorded), counted: total !== null, resumeCommand: resumeLineOf(send, logArg) };
}

/** Run `herald report`: exit 0. */
export async function reportCommand(logArg: string, options: Readonly<Record<string, unknown>>, io: CommandIO): Promise<ExitCode> {
  const outputs = checkOutputs(options, io.cwd);
  const path = resolve(io.cwd, logArg);
  if (!statSync(path, { throwIfNoEntry: false })?.isFile()) throw new ConfigError(`${logArg}: no such result log`);
  if (outputs.html !== null) checkPageTarget(outputs.html, String(options.html), path);
  const log = await foldLog(path);
  // A file with no record at all is one line, not a warning per line first.
  if (log.runs.length === 0 && log.keys.size === 0) throw new ConfigError(`${logArg} holds no herald records`);
  for (const warning of log.warnings) warn(io.terminal, warning);
  if (outputs.rows) {
    await exportRows(path, finalRows(log), outputs.rows, (chunk) => io.terminal.out.write(chunk));
    return ExitCode.Ok;
  }
  const report = buildReport(log);
  if (outputs.html !== null) {
    const page = renderPage(await collectPageData(path, report, finalRows(log)));
    try {
      writeFileSync(outputs.html, page);
    } catch (error) {
      throw new ConfigError(`--html ${String(options.html)}: cannot write the page (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
  const { notReached, counted, resumeCommand } = await whatIsLeft(log, logArg);
  const pending = report.status.pending ?? 0;
  const recommendation = recommendNext({
    rowsLeft: pending + notReached,
    resumeCommand,
    retry: report.retry,
    retryCommand: shellLine(['herald', 'retry', logArg]),
  });
  // Rows left with no way to resume them (stdin, a retry's log): herald retry sends the waiting ones.
  const next = recommendation.next ?? (pending > 0 ? { command: shellLine(['herald', 'retry', logArg]), what: `sends the ${plural(pending, 'row')} left` } : null);
  if (options.json === true) {
    io.terminal.out.write(JSON.stringify({ ...report, notReached, resumeCommand: notReached + pending > 0 ? resumeCommand : null, nextCommand: next?.command ?? null }) + '\n');
    return ExitCode.Ok;
  }
  const runs = `${plural(report.runs, 'run')}${report.firstRunAt ? `, ${report.firstRunAt} to ${report.lastRunAt}` : ''}`;
  const sent = report.status.sent ?? 0;
  // The input is still there to count: the campaign as a whole (every row of the file).
  const campaign = counted ? `; campaign ${sent}/${report.rows + notReached} sent` : '';
  const text = summaryText(
    report,
    {
      title: `herald report ${logArg}: ${report.channel ?? 'unknown channel'}, ${runs} — ${plural(report.rows, 'row')}${campaign}`,
      durationMs: report.durationMs,
      throughput: report.throughput,
      log: null,
      waitingHint: resumeCommand !== null ? '--resume sends them' : 'herald retry sends them',
      notReached,
      notes: recommendation.notes,
      next,
    },
    io.terminal.outColor,
  );
  io.terminal.out.write(text + '\n');
  if (next === null) io.terminal.out.write(`  ${'next'.padEnd(10)} nothing left to send or retry\n`);
  if (outputs.html !== null) io.terminal.out.write(`  ${'page'.padEnd(10)} ${String(options.html)}\n`);
  return ExitCode.Ok;
}
