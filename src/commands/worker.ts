/** `herald worker <redis-url>`: its flags and help; the work lives in worker-command.ts, loaded when it runs. */
import type { Command } from 'commander';
import type { ExitCode } from '../exit-codes.js';
import type { CommandIO } from './command-io.js';

/** Register `herald worker` on the program. */
export function registerWorker(program: Command, io: CommandIO, setExit: (code: ExitCode) => void): void {
  program
    .command('worker')
    .summary('send the rows of campaigns queued on a Redis server (herald send --queue)')
    .description(
      'Take rows of any campaign queued on this Redis (by herald send --queue) and send them with the channel the campaign names, ' +
        "reading that channel's secrets from this worker's own environment (or --env-file). Run one or more on each sending machine. " +
        'A Redis password comes from HERALD_REDIS_PASSWORD.',
    )
    .argument('<redis-url>', 'the Redis the campaigns are queued on: redis://host:6379/0 (rediss:// for TLS)')
    .option('--concurrency <n>', "sends in flight at most in this worker (lowers a campaign's own --concurrency, never raises it)")
    .option('--env-file <file>', 'read KEY=VALUE secrets from this file (variables already set win)')
    .option('--stall-timeout <duration>', "how long a dead worker's rows stay locked before another worker takes them over", '30s')
    .option('--metrics-port <port>', 'serve Prometheus metrics on this port (127.0.0.1 unless --metrics-host)')
    .option('--metrics-host <host>', 'the address --metrics-port listens on', '127.0.0.1')
    .addHelpText(
      'after',
      [
        '',
        'Examples:',
        '  $ herald worker redis://10.0.0.5:6379                       # on each sending machine',
        '  $ herald worker redis://10.0.0.5:6379 --concurrency 8 --env-file /etc/herald/secrets.env --metrics-port 9464',
        '  $ herald send list.csv --channel webhook --url https://api.internal/push --rate 500/s --queue redis://10.0.0.5:6379',
        '',
        'Ctrl-C (or SIGTERM): finish the sends in flight, give back the rows not started, exit 130.',
      ].join('\n'),
    )
    .action(async (url: string, options: Record<string, unknown>) => {
      const { workerCommand } = await import('./worker-command.js');
      setExit(await workerCommand(url, options, io));
    });
}
