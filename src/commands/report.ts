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
    .addHelpText('after', '\nExamples:\n  $ herald report customers.csv.results.jsonl\n  $ herald report customers.csv.results.jsonl --json | jq .status')
    .action(async (log: string, options: Record<string, unknown>) => {
      const { reportCommand } = await import('./report-command.js');
      setExit(await reportCommand(log, options, io));
    });
}
