/** `herald report`: its flags and help; the work lives in report-command.ts, loaded when it runs. */
import type { Command } from 'commander';
import type { ExitCode } from '../exit-codes.js';
import type { CommandIO } from './command-io.js';

/** Register `herald report` on the program. */
export function registerReport(program: Command, io: CommandIO, setExit: (code: ExitCode) => void): void {
  program
    .command('report')
    .summary('summarise a result log')
    .description('Summarise a result log: rows by status, class and provider code, latency percentiles, throughput, duration, and how many rows herald retry would send.')
    .argument('<log>', 'result log written by herald send or retry')
    .option('--json', 'print one JSON object on stdout')
    .option('--html <file>', 'also write one self-contained HTML page with charts to FILE (works offline: no request leaves it)')
    .option('--rows <statuses>', 'write the rows whose final status is one of these (sent, failed, invalid, skipped, pending; failed:permanent narrows to a class) to stdout, instead of the summary')
    .option('--format <format>', 'with --rows: csv (UTF-8 with a byte order mark, for Excel) or jsonl', 'csv')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ herald report customers.csv.results.jsonl',
        '  $ herald report customers.csv.results.jsonl --json | jq .status',
        '  $ herald report customers.csv.results.jsonl --html report.html',
        '  $ herald report customers.csv.results.jsonl --rows failed > fix.csv     # fix them, then: herald send fix.csv …',
        '  $ herald report customers.csv.results.jsonl --rows failed:permanent,invalid --format jsonl',
      ].join('\n'),
    )
    .action(async (log: string, options: Record<string, unknown>) => {
      const { reportCommand } = await import('./report-command.js');
      setExit(await reportCommand(log, options, io));
    });
}
