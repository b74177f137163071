/**
 * The `herald` command: registers one file per command, maps errors to one-line messages and
 * exit statuses, and is the only place that exits the process.
 */
import { Command, CommanderError } from 'commander';
import { HeraldError } from './errors.js';
import { ExitCode } from './exit-codes.js';
import { VERSION } from './version.js';
import type { CommandIO } from './commands/command-io.js';
import { registerDemo } from './commands/demo.js';
import { registerInit } from './commands/init.js';
import { registerMock } from './commands/mock.js';
import { registerReport } from './commands/report.js';
import { registerRetry } from './commands/retry.js';
import { registerSend } from './commands/send.js';
import { registerWorker } from './commands/worker.js';
import { processTerminal } from './ui/terminal.js';

const EXAMPLES = `
Examples:
  $ npx herald demo                                   # the whole job on a built-in simulator
  $ herald send customers.csv --channel webhook --url https://notify.internal/api/push \\
      --body push.json --concurrency 32 --rate 500/s
  $ herald send customers.csv --channel webhook --url https://notify.internal/api/push --resume
  $ herald retry customers.csv.results.jsonl
  $ herald report customers.csv.results.jsonl
  $ herald mock webhook --fail-rate 0.05
  $ herald init email                                 # a small working campaign in this folder
  $ herald worker redis://10.0.0.5:6379                # on each sending machine, then:
  $ herald send customers.csv --channel webhook --url https://notify.internal/api/push --queue redis://10.0.0.5:6379

Exit status: 0 every row sent or skipped; 3 some rows failed or invalid; 1 stopped by a fatal
error; 2 usage or configuration error (nothing sent); 75 paused by --not-after or --quota (resume
later with --resume); 130 interrupted (resume with --resume).`;

/** Exit once stdout and stderr have drained (a pipe may still hold the summary), at most 2 s later. */
function exitAfterFlush(code: number): void {
  process.exitCode = code;
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
  setTimeout(() => process.exit(code), 2000).unref();
}

// A reader that went away (`herald … | head`) must not stop a run: output is dropped, the log goes on.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}

// Ctrl-C before a run takes over its signals (while starting, reading a log, connecting): nothing
// was sent yet, so herald leaves at once with the contract's 130 rather than dying by the signal.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (process.listenerCount(signal) === 1) process.exit(130);
  });
}

/** commander's "error: unknown option '--bogus'" as herald's one line, with where to look. */
function usageLine(text: string, prefix: string): string {
  const message = text.trim().replace(/^error: /, '').replace(/\s*\n\s*/g, ' ');
  return `${prefix} ${message} (add --help for usage)\n`;
}

async function main(argv: readonly string[]): Promise<number> {
  const terminal = await processTerminal();
  const io: CommandIO = { cwd: process.cwd(), env: process.env, terminal, argv, signals: process, exit: exitAfterFlush };
  let exitCode: number = ExitCode.Ok;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const program = new Command('herald')
    .description('Send one message per row of a CSV or JSONL file over email, SMS, WeChat or a webhook, fast and politely, with a result log that can be resumed, retried and reported.')
    .version(VERSION, '-V, --version', 'print the version')
    .addHelpText('after', EXAMPLES)
    .exitOverride()
    .configureOutput({
      writeErr: (text) => terminal.err.write(text),
      writeOut: (text) => terminal.out.write(text),
      outputError: (text, write) => write(usageLine(text, terminal.color.red('herald: error:'))),
    });
  registerSend(program, io, setExit);
  registerRetry(program, io, setExit);
  registerReport(program, io, setExit);
  registerMock(program, io, setExit);
  registerDemo(program, io, setExit);
  registerWorker(program, io, setExit);
  registerInit(program, io, setExit);
  for (const command of program.commands) command.exitOverride().configureOutput(program.configureOutput());
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.code === 'commander.help') return ExitCode.Ok;
      return ExitCode.Usage;
    }
    if (error instanceof HeraldError) {
      terminal.err.write(`${terminal.color.red('herald: error:')} ${error.message}\n`);
      return error.exitCode;
    }
    terminal.err.write(`herald: internal error (a bug; please report it):\n${(error as Error).stack ?? String(error)}\n`);
    return ExitCode.Fatal;
  }
}

exitAfterFlush(await main(process.argv.slice(2)));
