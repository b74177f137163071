// Child process of the scale-log scenario: reads a big result log the way a command does and
// prints what it found, so that the parent can time it and read its peak RSS.
//   node bench/lib/plan-log.js raw LOG      the baseline: every line read and JSON-parsed, nothing kept
//   node bench/lib/plan-log.js resume LOG ROWS   fold, then ask every input key's resume step (as --resume does)
//   node bench/lib/plan-log.js retry LOG    fold, then build the retry plan and read every row it sends
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const [mode, log, rows] = process.argv.slice(2);
const dist = (path) => fileURLToPath(new URL(`../../dist/${path}`, import.meta.url));

if (mode === 'raw') {
  let records = 0;
  for await (const line of createInterface({ input: createReadStream(log, 'utf8'), crlfDelay: Infinity })) {
    if (line !== '' && JSON.parse(line)) records++;
  }
  console.log(JSON.stringify({ records }));
} else {
  const { foldLog } = await import(dist('results/log-state.js'));
  const state = await foldLog(log);
  if (mode === 'resume') {
    const { resumeStep } = await import(dist('results/row-state.js'));
    const { DOMAINS, keyOfLine } = await import(fileURLToPath(new URL('./log-keys.js', import.meta.url)));
    const acts = {};
    for (let line = 1; line <= Number(rows); line++) {
      const found = state.keys.get(keyOfLine(line));
      const act = found ? resumeStep(found).act : 'new';
      // As --resume does: a row not done keeps the idempotency key its record holds (read from the log).
      if (found && act !== 'skip') void found.idempotencyKey;
      acts[act] = (acts[act] ?? 0) + 1;
    }
    console.log(JSON.stringify({ keys: state.keys.size, acts, domains: DOMAINS.length }));
  } else {
    const { planRetry } = await import(dist('pipeline/plan-retry.js'));
    const channel = { prepare: (row) => ({ ok: true, message: row }), dedupeWindowMs: 0 };
    let send = 0;
    let bytes = 0;
    for await (const batch of planRetry(state, { channel, campaign: 'bench', all: true, limit: null })) {
      for (const item of batch) {
        if (item.kind !== 'send') continue;
        send++;
        bytes += JSON.stringify(item.row).length;
      }
    }
    console.log(JSON.stringify({ keys: state.keys.size, send, bytes }));
  }
}
