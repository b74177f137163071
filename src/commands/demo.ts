/** `herald demo`: its flags and help; the work lives in demo-command.ts, loaded when it runs. */
import type { Command } from 'commander';
import type { ExitCode } from '../exit-codes.js';
import type { CommandIO } from './command-io.js';

/** Register `herald demo` on the program. */
export function registerDemo(program: Command, io: CommandIO, setExit: (code: ExitCode) => void): void {
  program
    .command('demo')
    .summary('send fixtures/demo.csv through a built-in simulator (no account needed)')
    .description('Start the webhook simulator in-process, send fixtures/demo.csv through it with a few injected faults, retry the failures, and print the report: the whole job with no account.')
    .option('--rate <rate>', 'pace of the demo', '200/s')
    .option('--out <path>', 'where to write the demo\'s result log (default: a new temporary folder)')
    .option('-q, --quiet', 'no progress or summaries')
    .addHelpText('after', '\nExamples:\n  $ npx herald demo\n  $ herald demo --rate 50/s --out demo.results.jsonl\n  $ herald report demo.results.jsonl')
    .action(async (options: Record<string, unknown>) => {
      const { demoCommand } = await import('./demo-command.js');
      setExit(await demoCommand(options, io));
    });
}
