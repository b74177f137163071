/** `herald send`: its flags and help (loaded at start-up); the work lives in send-command.ts, loaded when it runs. */
import { Command } from 'commander';
import type { ExitCode } from '../exit-codes.js';
import type { CommandIO } from './command-io.js';
import { addChannelFlags, addFlowFlags, addInputFlags, addLogFlags, addOutputFlags, addPoliteFlags, addQueueFlags } from './flags.js';

const EXAMPLES = `
Examples:
  $ herald send customers.csv --channel webhook --url https://notify.internal/api/push \\
      --body push.json --concurrency 32 --rate 500/s
  $ herald send customers.csv --channel webhook --url https://notify.internal/api/push --resume
  $ herald send subscribers.csv --channel email --template welcome.html --rate 20/s
  $ herald send members.csv --channel aliyun-sms --sign-name 某某商城 --template-code SMS_123456789 \\
      --param name=name --param coupon=code --rate 200/s
  $ cat rows.jsonl | herald send - --format jsonl --channel webhook --out rows.results.jsonl
  $ herald send customers.csv --channel webhook --dry-run
  $ herald send members.csv --channel aliyun-sms … --resume --window 09:00-20:00 --tz Asia/Shanghai \\
      --quota 500/h --not-after 20:00 --suppress unsubscribed.txt   # hourly from cron; exit 75: come back later`;

/** Register `herald send` on the program. */
export function registerSend(program: Command, io: CommandIO, setExit: (code: ExitCode) => void): void {
  const command = new Command('send')
    .summary('send one message per row of a CSV, TSV or JSONL file')
    .description('Send one message per row of a CSV, TSV or JSONL file (- reads stdin), paced, retried and recorded in a result log.')
    .argument('<input>', 'recipient file (.csv, .tsv, .jsonl, .ndjson) or - for stdin');
  addInputFlags(command);
  addLogFlags(command, false);
  addFlowFlags(command);
  addPoliteFlags(command);
  addOutputFlags(command);
  addQueueFlags(command);
  addChannelFlags(command);
  command.addHelpText('after', EXAMPLES).action(async (input: string, options: Record<string, unknown>) => {
    const { sendCommand } = await import('./send-command.js');
    setExit(await sendCommand(input, options, io));
  });
  program.addCommand(command);
}
