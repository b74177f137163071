/** `herald retry`: its flags and help; the work lives in retry-command.ts, loaded when it runs. */
import { Command } from 'commander';
import type { ExitCode } from '../exit-codes.js';
import type { CommandIO } from './command-io.js';
import { addChannelFlags, addFlowFlags, addLogFlags, addOutputFlags, addPoliteFlags, addQueueFlags } from './flags.js';

const EXAMPLES = `
Examples:
  $ herald retry customers.csv.results.jsonl
  $ herald retry customers.csv.results.jsonl --all --rate 50/s
  $ herald retry customers.csv.results.jsonl --out retry-1.results.jsonl`;

/** Register `herald retry` on the program. */
export function registerRetry(program: Command, io: CommandIO, setExit: (code: ExitCode) => void): void {
  const command = new Command('retry')
    .summary('send again the rows whose last record in a result log is failed')
    .description(
      'Send again the rows whose last record is failed with class retryable, throttled, in-doubt or fatal (--all: permanent failures too), with the settings of the log\'s last run; flags given here override them. Rows in doubt (they may already be delivered) are checked with the provider where it can be asked, resent where it drops duplicates, and otherwise resent only with --in-doubt resend. Appends to the same log unless --out names another.',
    )
    .argument('<log>', 'result log written by herald send')
    .option('--all', 'retry every failed row, permanent failures included, but never recipients who opted out (Twilio 21610, WeChat 43004, 43101) nor mailboxes that do not exist (SMTP 5.1.1)')
    .option('--include-unknown-mailboxes', 'with --all: also send again to mailboxes the server said do not exist (550 5.1.1 user unknown), e.g. after fixing a typo in the domain')
    .option('--limit <n>', 'retry only the first N rows');
  addLogFlags(command, true);
  addFlowFlags(command);
  addPoliteFlags(command);
  addOutputFlags(command);
  addQueueFlags(command);
  addChannelFlags(command);
  command.addHelpText('after', EXAMPLES).action(async (log: string, _options: Record<string, unknown>, self: Command) => {
    const given = Object.fromEntries(Object.keys(self.opts()).filter((name) => self.getOptionValueSource(name) === 'cli').map((name) => [name, self.getOptionValue(name)]));
    const { retryCommand } = await import('./retry-command.js');
    setExit(await retryCommand(log, given, io));
  });
  program.addCommand(command);
}
