/** `herald init`: its help; the work lives in init-command.ts, loaded when it runs. */
import type { Command } from 'commander';
import type { ExitCode } from '../exit-codes.js';
import type { CommandIO } from './command-io.js';
import { INIT_CHANNELS } from './init-campaigns.js';

/** Register `herald init` on the program. */
export function registerInit(program: Command, io: CommandIO, setExit: (code: ExitCode) => void): void {
  program
    .command('init')
    .summary('write a small working campaign into this folder')
    .description(
      `Write a small working campaign into the current folder: recipients.csv, a template, and send.sh, which does a dry run first and sends with --send. Each runs as written against herald mock <channel>. Existing files are never overwritten. Channels: ${INIT_CHANNELS.join(', ')}.`,
    )
    .argument('<channel>', `the channel: ${INIT_CHANNELS.join(', ')}`)
    .addHelpText('after', '\nExamples:\n  $ mkdir spring && cd spring && herald init email\n  $ herald mock email            # in another terminal: paste the export line it prints here\n  $ sh send.sh                   # a dry run\n  $ sh send.sh --send            # the dry run, then the real send')
    .action(async (channel: string) => {
      const { initCommand } = await import('./init-command.js');
      setExit(initCommand(channel, io));
    });
}
