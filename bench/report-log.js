// Writes a realistic result log for measuring `herald report --html` on a big campaign:
// one e-mail run record, then per row a pending and a final record, with some retries (500s),
// throttles (421) and permanent failures (550), timestamps spread over ~60 s, a few duplicates
// and invalid rows, then a `herald retry` run over the retryable failures.
//   node bench/report-log.js OUT.jsonl [ROWS=1000000] [no-retry]   (no-retry: the retryable failures stay failed)
//   /usr/bin/time -v node bin/herald.js report OUT.jsonl --html OUT.html
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { DOMAINS } from './lib/log-keys.js';

const out = process.argv[2];
const rows = Number(process.argv[3] ?? 1_000_000);
const withRetry = process.argv[4] !== 'no-retry';
if (!out || !(rows > 0)) {
  process.stderr.write('usage: node bench/report-log.js OUT.jsonl [ROWS]\n');
  process.exit(2);
}

const SURNAMES = ['王', '李', '张', 'Smith', 'García', '刘', 'Müller', '陈'];
const start = Date.parse('2026-03-02T09:00:00.000Z');
const seconds = 60;
const stream = createWriteStream(out);
let seed = 42;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);

async function write(line) {
  if (!stream.write(line + '\n')) await once(stream, 'drain');
}

function run(at, command, rate) {
  const settings = { channel: 'email', template: 'mail.txt', rate, concurrency: 32, retries: '3', to: 'email', key: 'email' };
  return JSON.stringify({ type: 'run', v: 1, at: new Date(at).toISOString(), herald: '0.1.0', runId: `bench-${command}`, campaign: 'bench', command, channel: 'email', input: command === 'send' ? '/data/list.csv' : null, settings });
}

function record(row, line, fields) {
  return JSON.stringify({ type: 'row', key: row.email, status: fields.status, class: fields.class ?? null, code: fields.code ?? null, error: fields.error ?? null, attempts: fields.attempts, messageId: fields.status === 'sent' ? `<${line}@bench>` : null, idempotencyKey: `idem-${line}`, latencyMs: fields.latencyMs ?? null, at: new Date(fields.at).toISOString(), line, row });
}

const latency = () => Math.round(20 + random() * 60 + (random() < 0.02 ? 800 * random() : 0));
const retryLater = [];
await write(run(start, 'send', `${Math.round(rows / seconds)}/s`));
for (let line = 1; line <= rows; line++) {
  const row = { email: `user${line}@${DOMAINS[line % DOMAINS.length]}`, name: `${SURNAMES[line % SURNAMES.length]} ${line}`, plan: line % 3 ? 'basic' : 'pro' };
  let at = start + Math.floor((line / rows) * seconds * 1000);
  if (line % 5000 === 0) {
    await write(record({ ...row, email: `bad-${line}` }, line, { status: 'invalid', class: 'invalid', error: `record ${line}: --to field 'email' is not an e-mail address`, attempts: 0, at }));
    continue;
  }
  if (line % 4000 === 1 && line > 1) {
    await write(JSON.stringify({ type: 'row', key: `user${line - 1}@${DOMAINS[(line - 1) % DOMAINS.length]}`, status: 'skipped', class: 'duplicate', code: null, error: null, attempts: 0, messageId: null, idempotencyKey: null, latencyMs: null, at: new Date(at).toISOString(), line, row }));
    continue;
  }
  let attempts = 1;
  await write(record(row, line, { status: 'pending', attempts, at }));
  const dice = random();
  if (dice < 0.03) {
    const throttled = dice < 0.01;
    at += latency();
    await write(record(row, line, { status: 'pending', class: throttled ? 'throttled' : 'retryable', code: throttled ? '421' : '451', error: throttled ? '421 4.7.0 Try again later' : '451 4.3.0 Temporary failure', attempts, latencyMs: latency(), at }));
    attempts++;
    at += 1000;
    await write(record(row, line, { status: 'pending', attempts, at }));
  }
  at += latency();
  if (dice > 0.99) {
    await write(record(row, line, { status: 'failed', class: 'permanent', code: '550', error: '550 5.1.1 The email account that you tried to reach does not exist', attempts, latencyMs: latency(), at }));
  } else if (dice > 0.985) {
    await write(record(row, line, { status: 'failed', class: 'retryable', code: '451', error: '451 4.3.0 Temporary failure', attempts, latencyMs: latency(), at }));
    retryLater.push([row, line, attempts]);
  } else {
    await write(record(row, line, { status: 'sent', class: 'ok', code: '250', attempts, latencyMs: latency(), at }));
  }
}
const retryStart = start + (seconds + 600) * 1000;
if (withRetry) await write(run(retryStart, 'retry', '500/s'));
for (const [i, [row, line, attempts]] of (withRetry ? retryLater : []).entries()) {
  const at = retryStart + i * 2;
  await write(record(row, line, { status: 'pending', attempts: attempts + 1, at }));
  await write(record(row, line, { status: 'sent', class: 'ok', code: '250', attempts: attempts + 1, latencyMs: latency(), at: at + latency() }));
}
stream.end();
await once(stream, 'finish');
process.stderr.write(`wrote ${out}: ${rows} rows, ${withRetry ? retryLater.length : 0} retried\n`);
