// The baseline: a raw undici loop (keep-alive Pool, N connections, POST of ~200 bytes, awaiting
// each body) against the same sink herald sends to. Usage: node raw-undici.js URL COUNT CONCURRENCY
// Prints {"count":…, "ms":…} on stdout.
import { Pool } from 'undici';

const [url, countText, concurrencyText] = process.argv.slice(2);
const target = new URL(url);
const count = Number(countText);
const concurrency = Number(concurrencyText);
const pool = new Pool(target.origin, { connections: concurrency, pipelining: 1 });
const body = JSON.stringify({ id: 'k0000000', name: 'Name 0000000', email: 'user0000000@example.com', text: 'Hello Name 0000000, your order ships today.', pad: 'x'.repeat(60) });
let next = 0;
const started = performance.now();
async function worker() {
  while (next < count) {
    next++;
    const response = await pool.request({ path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': 'c4f1b1de-5a2b-8c3d-9e4f-0a1b2c3d4e5f' }, body });
    await response.body.text();
  }
}
await Promise.all(Array.from({ length: concurrency }, worker));
process.stdout.write(JSON.stringify({ count, ms: performance.now() - started }) + '\n');
await pool.close();
