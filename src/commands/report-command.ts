/** `herald report <log>`: what happened to every row of a result log, as text or one JSON object. */
import { statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { foldLog } from '../results/log-state.js';
import { finalRows } from '../report/final-rows.js';
import { renderPage } from '../report/html-page.js';
import { collectPageData } from '../report/page-data.js';
import { exportRows } from '../report/row-export.js';
import { parseRowSelector, type RowSelector } from '../report/row-selector.js';
import { buildReport } from '../report/log-report.js';
import { plural, summaryText } from '../report/summary-text.js';
import { warn } from '../ui/terminal.js';
import type { CommandIO } from './command-io.js';
import { shellLine } from './shell-words.js';

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

/** Run `herald report`: exit 0. */
export async function reportCommand(logArg: string, options: Readonly<Record<string, unknown>>, io: CommandIO): Promise<ExitCode> {
  const outputs = checkOutputs(options, io.cwd);
  const path = resolve(io.cwd, logArg);
  if (!statSync(path, { throwIfNoEntry: false })?.isFile()) throw new ConfigError(`${logArg}: no such result log`);
  const log = await foldLog(path);
  for (const warning of log.warnings) warn(io.terminal, warning);
  if (log.runs.length === 0 && log.keys.size === 0) throw new ConfigError(`${logArg} holds no herald records`);
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
  if (options.json === true) {
    io.terminal.out.write(JSON.stringify(report) + '\n');
    return ExitCode.Ok;
  }
  const runs = `${plural(report.runs, 'run')}${report.firstRunAt ? `, ${report.firstRunAt} to ${report.lastRunAt}` : ''}`;
  const hints: [string, string][] = [];
  if (report.retryable > 0) hints.push(['retry', `${shellLine(['herald', 'retry', logArg])}   (sends ${report.retryable} rows)`]);
  else if (report.retryableWithAll > 0) hints.push(['retry', `${shellLine(['herald', 'retry', logArg, '--all'])}   (sends ${report.retryableWithAll} permanent failures)`]);
  const text = summaryText(
    report,
    { title: `herald report ${logArg}: ${report.channel ?? 'unknown channel'}, ${runs} — ${plural(report.rows, 'row')}`, durationMs: report.durationMs, throughput: report.throughput, log: null, hints },
    io.terminal.outColor,
  );
  io.terminal.out.write(text + '\n');
  if (report.retryableWithAll === 0) io.terminal.out.write(`  ${'retry'.padEnd(10)} nothing to retry\n`);
  if (outputs.html !== null) io.terminal.out.write(`  ${'page'.padEnd(10)} ${String(options.html)}\n`);
  return ExitCode.Ok;
}
