/** `herald mock <channel>`: a local simulator of a channel's provider on 127.0.0.1, served until stopped. */
import { ConfigError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { MockSpec } from '../mock/spec.js';
import type { CommandIO } from './command-io.js';

/** Run a simulator until SIGINT/SIGTERM. */
export async function mockCommand(mock: MockSpec, options: Readonly<Record<string, unknown>>, io: CommandIO): Promise<ExitCode> {
  const module = await mock.load();
  const { terminal } = io;
  const server = await module.start(options, (line) => terminal.err.write(`${line}\n`)).catch((error: unknown) => {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      throw new ConfigError(`herald mock ${mock.channel}: cannot listen on port ${String(options.port ?? 0)} (${code === 'EADDRINUSE' ? 'already in use: pick another --port' : 'not allowed'})`);
    }
    throw error;
  });
  terminal.err.write(`herald mock ${mock.channel}: ${mock.description}\nlistening on ${server.url}; point herald at it with:\n`);
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
  terminal.err.write(`herald mock ${mock.channel}: ${server.stats()}\n`);
  await server.close();
  return ExitCode.Ok;
}

function shellValue(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]*$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
