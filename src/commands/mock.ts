/** `herald mock <channel>`: one subcommand per simulator, with its flags; the work lives in mock-command.ts. */
import { Option, type Command } from 'commander';
import type { ExitCode } from '../exit-codes.js';
import { MOCKS } from '../mock/registry.js';
import type { CommandIO } from './command-io.js';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Register `herald mock <channel>`, one subcommand per channel that has a simulator. */
export function registerMock(program: Command, io: CommandIO, setExit: (code: ExitCode) => void): void {
  const mock = program
    .command('mock')
    .summary('run a local simulator of a channel\'s provider')
    .description('Run a local simulator of a channel\'s provider on 127.0.0.1, print the environment variables that point herald at it, and serve until stopped (Ctrl-C).')
    .addHelpText('after', '\nExamples:\n  $ herald mock webhook --latency 10-50ms --fail-rate 0.05\n  $ herald mock email --save ./outbox');
  for (const simulator of MOCKS) {
    const sub = mock
      .command(simulator.channel)
      .description(`simulate ${simulator.channel}: ${simulator.description}`)
      .addHelpText('after', `\nExamples:\n${simulator.examples.map((line) => `  $ ${line}\n`).join('')}`);
    for (const flag of simulator.options) {
      const option = new Option(flag.flags, flag.description);
      if (flag.repeatable) option.argParser(collect);
      if (flag.defaultValue !== undefined) option.default(flag.defaultValue);
      sub.addOption(option);
    }
    sub.action(async (options: Record<string, unknown>) => {
      const { mockCommand } = await import('./mock-command.js');
      setExit(await mockCommand(simulator, options, io));
    });
  }
}
