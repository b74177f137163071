// A result log with more keys than one JavaScript Map can hold (V8 stops at 2^24 = 16,777,216
// entries): proves `herald report` and the resume and retry fold read it. Minimal records, one per
// key, every 1000th failed; about 3.3 GB on disk. Not part of `npm run bench` (minutes and disk).
//   node bench/key-limit.js OUT.jsonl [KEYS=17000000]
//   /usr/bin/time -v node bin/herald.js report OUT.jsonl --json
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const out = process.argv[2];
const keys = Number(process.argv[3] ?? 17_000_000);
if (!out || !(keys > 0)) {
  process.stderr.write('usage: node bench/key-limit.js OUT.jsonl [KEYS]\n');
  process.exit(2);
}
const stream = createWriteStream(out, { highWaterMark: 1 << 20 });
const at = '2026-03-02T09:00:00.000Z';
const settings = { channel: 'webhook', url: 'http://127.0.0.1:9/hook', key: 'id' };
stream.write(`${JSON.stringify({ type: 'run', v: 1, at, herald: '0.1.0', runId: 'limit', campaign: 'limit', command: 'send', channel: 'webhook', input: '/data/big.csv', settings })}\n`);
let chunk = '';
for (let line = 1; line <= keys; line++) {
  const failed = line % 1000 === 0;
  chunk += `{"type":"row","key":"k${line}","status":"${failed ? 'failed' : 'sent'}","class":"${failed ? 'retryable' : 'ok'}","code":"${failed ? '503' : '200'}","error":${failed ? '"503: busy"' : 'null'},"attempts":1,"messageId":null,"idempotencyKey":null,"latencyMs":12,"at":"${at}","line":${line},"row":{"id":"k${line}"}}\n`;
  if (chunk.length > 1 << 20) {
    if (!stream.write(chunk)) await once(stream, 'drain');
    chunk = '';
  }
}
stream.end(chunk);
await once(stream, 'finish');
process.stderr.write(`wrote ${out}: ${keys} keys\n`);
