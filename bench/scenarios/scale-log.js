// Big result logs: `herald report` (text and HTML), resume planning and retry planning on a
// generated log of 100k and 1M rows (bench/report-log.js, its retryable failures left failed),
// each timed against a raw loop that JSON-parses every line of the same file and keeps nothing,
// run just before it. Peak RSS is read from /proc; its growth from 100k to 1M rows shows whether
// memory follows the log.
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { timed } from '../lib/processes.js';

const HERALD = fileURLToPath(new URL('../../bin/herald.js', import.meta.url));
const GENERATE = fileURLToPath(new URL('../report-log.js', import.meta.url));
const PLAN = fileURLToPath(new URL('../lib/plan-log.js', import.meta.url));
const TMP = fileURLToPath(new URL('../tmp/scale-log/', import.meta.url));

async function checked(args) {
  const run = await timed(process.execPath, args);
  if (run.code !== 0) throw new Error(`${args.slice(1).join(' ')} exited ${run.code}: ${run.stderr.split('\n')[0]}`);
  return run;
}

/** Time one reader of `log`, and the raw parse loop just before it. */
async function measure(label, log, args) {
  const raw = await checked([PLAN, 'raw', log]);
  const run = await checked(args);
  return { label, ms: run.ms, rawMs: raw.ms, ratio: run.ms / raw.ms, peakRssMb: run.peakRssMb };
}

export async function scaleLog({ sizes }) {
  mkdirSync(TMP, { recursive: true });
  const bySize = {};
  try {
    for (const rows of sizes) {
      const log = `${TMP}log-${rows}.jsonl`;
      await checked([GENERATE, log, String(rows), 'no-retry']);
      const mb = statSync(log).size / 2 ** 20;
      bySize[rows] = {
        mb,
        runs: [
          await measure('report --json', log, [HERALD, 'report', log, '--json']),
          await measure('report --html', log, [HERALD, 'report', log, '--html', `${TMP}page-${rows}.html`]),
          await measure('resume planning', log, [PLAN, 'resume', log, String(rows)]),
          await measure('retry planning', log, [PLAN, 'retry', log]),
        ],
      };
      rmSync(log, { force: true });
    }
  } finally {
    rmSync(TMP, { recursive: true, force: true });
  }
  const small = Math.min(...sizes);
  const large = Math.max(...sizes);
  const big = bySize[large];
  const n = `${(large / 1e6).toLocaleString('en')}M`;
  const results = big.runs.map((run) => ({
    name: `Scale-log: ${run.label} at ${n} rows vs raw parse`,
    figure: `${(run.ms / 1000).toFixed(1)} s vs ${(run.rawMs / 1000).toFixed(1)} s raw, ${run.peakRssMb.toFixed(0)} MB peak (${big.mb.toFixed(0)} MB log)`,
    value: run.ratio,
    target: '<= 3x',
    pass: run.ratio <= 3,
    unit: 'ratio',
  }));
  const peak = Math.max(...big.runs.map((run) => run.peakRssMb));
  const peakSmall = Math.max(...bySize[small].runs.map((run) => run.peakRssMb));
  const growth = peak / peakSmall;
  results.push(
    { name: `Scale-log: peak RSS reading ${n} rows`, figure: big.runs.map((r) => `${r.label} ${r.peakRssMb.toFixed(0)}`).join(', '), value: peak, target: '<= 200 MB', pass: peak <= 200, unit: 'MB' },
    { name: `Scale-log: peak RSS ${n} / ${small / 1000}k rows`, figure: `${peak.toFixed(0)} / ${peakSmall.toFixed(0)} MB for ${large / small}x the rows`, value: growth, target: '<= 2.5', pass: growth <= 2.5, unit: 'ratio' },
  );
  return results;
}
