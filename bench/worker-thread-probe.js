// Issue 16.2's question: would parsing, hashing and serialising rows in a worker thread free the
// main thread (which sends) enough to matter? Reads the bench's 200k-row CSV the way `herald send`
// does (openInput, idempotency key, the row's JSON) once on the main thread, and once in a worker
// thread that hands the results to the main thread in batches through its MessagePort. Prints the
// main thread's busy time per row (event-loop utilisation) for both: what moving the work saves
// the main thread, and what receiving the batches costs it instead.
//   npm run build && node bench/worker-thread-probe.js [ROWS=200000]
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const dist = (path) => fileURLToPath(new URL(`../dist/${path}`, import.meta.url));

async function prepareRows(path, onBatch) {
  const { openInput } = await import(dist('input/open-input.js'));
  const { keyDigest, idempotencyKeyOf } = await import(dist('pipeline/idempotency.js'));
  const { rowJson } = await import(dist('render/row-json.js'));
  const input = await openInput({ path });
  for await (const batch of input.batches) {
    const prepared = [];
    for (const item of batch) {
      if (item.kind !== 'row') continue;
      const key = item.fields.id;
      prepared.push(key, idempotencyKeyOf(keyDigest('probe', key)), rowJson(item.fields));
    }
    onBatch(prepared);
  }
}

if (!isMainThread) {
  await prepareRows(workerData.path, (prepared) => parentPort.postMessage(prepared));
  parentPort.postMessage(null);
} else {
  const { webhookCsv } = await import('./lib/inputs.js');
  const rows = Number(process.argv[2] ?? 200_000);
  const path = await webhookCsv(rows);
  const measure = async (label, run) => {
    const elu = performance.eventLoopUtilization();
    const started = performance.now();
    const count = await run();
    const used = performance.eventLoopUtilization(elu);
    const wall = performance.now() - started;
    console.log(`${label.padEnd(28)} ${count} rows  wall ${(wall / 1000).toFixed(2)} s  main thread busy ${((used.active * 1000) / count).toFixed(2)} µs/row`);
    return (used.active * 1000) / count;
  };
  const results = { main: [], worker: [] };
  for (let round = 0; round < 3; round++) {
    results.main.push(
      await measure('on the main thread', async () => {
        let count = 0;
        await prepareRows(path, (prepared) => (count += prepared.length / 3));
        return count;
      }),
    );
    results.worker.push(
      await measure('in a worker thread', () =>
        new Promise((resolve, reject) => {
          let count = 0;
          const worker = new Worker(fileURLToPath(import.meta.url), { workerData: { path } });
          worker.on('message', (prepared) => {
            if (prepared === null) resolve(count);
            else count += prepared.length / 3;
          });
          worker.on('error', reject);
        }),
      ),
    );
  }
  const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
  console.log(`median main-thread cost per row: ${median(results.main).toFixed(2)} µs on the main thread, ${median(results.worker).toFixed(2)} µs to receive from a worker`);
}
