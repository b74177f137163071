/**
 * `herald demo`: the whole job with no account. Starts the webhook simulator in-process (with
 * latency and a few injected faults), sends fixtures/demo.csv through it with a visible pace,
 * retries what failed once the faults stop, and prints the report.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ExitCode } from '../exit-codes.js';
import { startReceiver } from '../mock/webhook/index.js';
import type { CommandIO } from './command-io.js';
import { reportCommand } from './report-command.js';
import { retryCommand } from './retry-command.js';
import { sendCommand } from './send-command.js';

const FIXTURES = fileURLToPath(new URL('../../fixtures/', import.meta.url));

/** Faults the demo's receiver injects, as shares of requests. */
const DEMO_FAULTS = { failRate: 0.04, throttleRate: 0.02, resetRate: 0.01 } as const;

/** Run the demo; exit status as `herald send` would give it for the final state. */
export async function demoCommand(options: Readonly<Record<string, unknown>>, io: CommandIO): Promise<ExitCode> {
  const { terminal } = io;
  const c = terminal.color;
  const { receiver, server } = await startReceiver({ latency: '5-40ms', ...DEMO_FAULTS, retryAfter: '1' }, () => undefined);
  try {
    const out = options.out === undefined ? join(mkdtempSync(join(tmpdir(), 'herald-demo-')), 'demo.results.jsonl') : resolve(io.cwd, String(options.out));
    const input = join(FIXTURES, 'demo.csv');
    const rate = String(options.rate ?? '200/s');
    terminal.err.write(
      [
        c.bold('herald demo'),
        `  a local webhook receiver is listening at ${server.url}`,
        `  it answers after 5-40 ms and injects faults: ${DEMO_FAULTS.failRate * 100}% 500s, ${DEMO_FAULTS.throttleRate * 100}% 429s (Retry-After: 1), ${DEMO_FAULTS.resetRate * 100}% reset connections`,
        `  sending fixtures/demo.csv (1,000 customers, Chinese and Latin names) at ${rate}, 8 at a time, 1 retry each:`,
        c.cyan(`  $ herald send fixtures/demo.csv --channel webhook --url ${server.url} --body fixtures/demo.json --concurrency 8 --rate ${rate} --retries 1 --out ${out}`),
        '',
      ].join('\n'),
    );
    const sendArgs = { channel: 'webhook', url: server.url, body: join(FIXTURES, 'demo.json'), concurrency: '8', rate, retries: '1', out, force: true, quiet: options.quiet === true };
    let code = await sendCommand(input, sendArgs, { ...io, argv: ['send', input, '--channel', 'webhook', '--url', server.url, '--body', join(FIXTURES, 'demo.json'), '--out', out] });
    if (code === ExitCode.Incomplete) {
      receiver.setFaults(false);
      terminal.err.write(`\n${c.bold('The receiver stops injecting faults. Retrying what failed, from the log alone:')}\n${c.cyan(`  $ herald retry ${out}`)}\n\n`);
      code = await retryCommand(out, { quiet: options.quiet === true }, { ...io, argv: ['retry', out] });
    }
    if (options.quiet !== true) {
      terminal.err.write(`\n${c.bold('What happened to every row, from the log:')}\n${c.cyan(`  $ herald report ${out}`)}\n`);
      await reportCommand(out, {}, { ...io, terminal: { ...terminal, out: terminal.err, outColor: terminal.color } });
      terminal.err.write(`\nThe receiver saw: ${server.stats()}\n`);
    }
    return code;
  } finally {
    await server.close();
  }
}
