/** `herald init <channel>`: a starter campaign written into the current folder, never over a file that is there. */
import { chmodSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import type { CommandIO } from './command-io.js';
import { INIT_CHANNELS, scaffoldFiles } from './init-campaigns.js';

/** Write the campaign's files into `io.cwd`; exit 2, writing nothing, when one of them exists. */
export function initCommand(channel: string, io: CommandIO): ExitCode {
  const files = scaffoldFiles(channel);
  if (!files) throw new UsageError(`herald init '${channel}': expected one of ${INIT_CHANNELS.join(', ')}`);
  const names = Object.keys(files);
  const there = names.filter((name) => statSync(join(io.cwd, name), { throwIfNoEntry: false }) !== undefined);
  if (there.length > 0) {
    throw new ConfigError(`herald init writes ${names.join(', ')}, and ${there.join(', ')} ${there.length === 1 ? 'is' : 'are'} already in ${io.cwd}: nothing was written (run it in an empty folder)`);
  }
  for (const [name, content] of Object.entries(files)) writeFileSync(join(io.cwd, name), content, { flag: 'wx' });
  chmodSync(join(io.cwd, 'send.sh'), 0o755);
  const c = io.terminal.color;
  io.terminal.err.write(
    [
      c.bold(`herald init ${channel}: wrote ${names.join(', ')}`),
      `  1. in another terminal: herald mock ${channel}   (paste the export lines it prints here)`,
      '  2. sh send.sh            a dry run: the first message in full, and what would be sent',
      '  3. sh send.sh --send     the dry run, then the real send',
      '',
    ].join('\n'),
  );
  return ExitCode.Ok;
}
