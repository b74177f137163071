/** `herald mock <channel>`: a local simulator of a channel's provider on 127.0.0.1, served until stopped. */
import { Command, Option } from 'commander';
import { CHANNELS } from '../channels/registry.js';
import type { ChannelSpec, MockSpec } from '../channels/spec.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandIO } from './command-io.js';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Run a simulator until SIGINT/SIGTERM. */
export async function mockCommand(spec: ChannelSpec, mock: MockSpec, options: Readonly<Record<string, unknown>>, io: CommandIO): Promise<ExitCode> {
  const module = await mock.load();
  const { terminal } = io;
  const server = await module.start(options, (line) => terminal.err.write(`${line}\n`));
  terminal.err.write(`herald mock ${spec.name}: ${mock.description}\nlistening on ${server.url}; point herald at it with:\n`);
  for (const [name, value] of Object.entries(server.env)) terminal.out.write(`export ${name}=${shellValue(value)}\n`);
  terminal.err.write('Ctrl-C stops it.\n');
  await new Promise<void>((resolve) => {
    const stop = () => {
      io.signals.off('SIGINT', stop);
      io.signals.off('SIGTERM', stop);
      resolve();
    };
    io.signals.on('SIGINT', stop);
    io.signals.on('SIGTERM', stop);
  });
  terminal.err.write(`herald mock ${spec.name}: ${server.stats()}\n`);
  await server.close();
  return ExitCode.Ok;
}

function shellValue(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

/** Register `herald mock <channel>`, one subcommand per channel that has a simulator. */
export function registerMock(program: Command, io: CommandIO, setExit: (code: ExitCode) => void): void {
  const mock = program
    .command('mock')
    .summary('run a local simulator of a channel\'s provider')
    .description('Run a local simulator of a channel\'s provider on 127.0.0.1, print the environment variables that point herald at it, and serve until stopped (Ctrl-C).')
    .addHelpText('after', '\nExamples:\n  $ herald mock webhook --latency 10-50ms --fail-rate 0.05\n  $ herald mock email --save ./outbox');
  for (const spec of CHANNELS) {
    const simulator = spec.mock;
    if (!simulator) continue;
    const sub = mock.command(spec.name).description(`simulate ${spec.name}: ${simulator.description}`);
    for (const flag of simulator.options) {
      const option = new Option(flag.flags, flag.description);
      if (flag.repeatable) option.argParser(collect);
      if (flag.defaultValue !== undefined) option.default(flag.defaultValue);
      sub.addOption(option);
    }
    sub.action(async (options: Record<string, unknown>) => {
      setExit(await mockCommand(spec, simulator, options, io));
    });
  }
}
