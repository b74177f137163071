// HTTP throughput (herald vs a raw undici loop, same sink, alternating), scale (throughput and
// peak RSS at growing row counts) and pacing accuracy.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { webhookCsv, TMP } from '../lib/inputs.js';
import { median, startSink, timed } from '../lib/processes.js';

const HERALD = fileURLToPath(new URL('../../bin/herald.js', import.meta.url));
const RAW = fileURLToPath(new URL('../lib/raw-undici.js', import.meta.url));
const SINK = new URL('../lib/http-sink.js', import.meta.url);

async function heraldRun(csv, url, extra = []) {
  const out = `${TMP}bench.results.jsonl`;
  rmSync(out, { force: true });
  rmSync(`${out}.lock`, { force: true });
  const run = await timed(process.execPath, [HERALD, 'send', csv, '--channel', 'webhook', '--url', url, '--out', out, '--quiet', '--json', ...extra]);
  if (run.code !== 0) throw new Error(`herald exited ${run.code}: ${run.stderr}`);
  const summary = JSON.parse(run.stdout);
  return { ...run, summary, perSecond: (summary.status.sent * 1000) / summary.durationMs };
}

/** herald send --concurrency 64 (log on, no rate) vs the raw loop, A B A B …; median ratio. */
export async function httpThroughput({ rows, rounds }) {
  const csv = await webhookCsv(rows);
  const sink = await startSink(SINK);
  const ratios = [];
  const heraldRates = [];
  const rawRates = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const herald = await heraldRun(csv, sink.url, ['--concurrency', '64']);
      const raw = await timed(process.execPath, [RAW, sink.url, String(rows), '64']);
      const rawRate = (rows * 1000) / JSON.parse(raw.stdout).ms;
      heraldRates.push(herald.perSecond);
      rawRates.push(rawRate);
      ratios.push(herald.perSecond / rawRate);
    }
  } finally {
    sink.stop();
  }
  return {
    name: `HTTP throughput (${rows.toLocaleString('en')} rows, concurrency 64)`,
    figure: `herald ${Math.round(median(heraldRates))}/s vs raw undici ${Math.round(median(rawRates))}/s`,
    value: median(ratios),
    spread: [Math.min(...ratios), Math.max(...ratios)],
    target: '>= 0.85',
    pass: median(ratios) >= 0.85,
    unit: 'ratio',
  };
}

/** Throughput and peak RSS at several sizes. */
export async function scale({ sizes }) {
  const sink = await startSink(SINK);
  const runs = {};
  try {
    for (const rows of sizes) {
      const csv = await webhookCsv(rows);
      const run = await heraldRun(csv, sink.url, ['--concurrency', '64']);
      runs[rows] = { perSecond: run.perSecond, peakRssMb: run.peakRssMb };
    }
  } finally {
    sink.stop();
  }
  const largest = Math.max(...sizes);
  const flat = runs[largest].perSecond / runs[200_000].perSecond;
  const rssRatio = runs[largest].peakRssMb / runs[100_000].peakRssMb;
  const lines = sizes.map((n) => `${n.toLocaleString('en')}: ${Math.round(runs[n].perSecond)}/s, ${runs[n].peakRssMb.toFixed(0)} MB`).join('; ');
  return [
    { name: 'Scale: throughput 1M vs 200k', figure: lines, value: flat, target: '>= 0.90', pass: flat >= 0.9, unit: 'ratio' },
    { name: 'Scale: peak RSS at 1M rows', figure: `${runs[largest].peakRssMb.toFixed(0)} MB`, value: runs[largest].peakRssMb, target: '<= 150 MB', pass: runs[largest].peakRssMb <= 150, unit: 'MB' },
    { name: 'Scale: RSS(1M) / RSS(100k)', figure: `${runs[largest].peakRssMb.toFixed(0)} / ${runs[100_000].peakRssMb.toFixed(0)} MB`, value: rssRatio, target: '<= 1.25', pass: rssRatio <= 1.25, unit: 'ratio' },
  ];
}

/** Largest number of arrivals in any window of `ms`. */
function peakWindow(times, ms) {
  let peak = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i] - times[j] >= ms) j++;
    peak = Math.max(peak, i - j + 1);
  }
  return peak;
}

/** --rate 2000/s for 10 s and --rate 7/s for 10 s, measured at the sink. */
export async function pacing() {
  const sink = await startSink(SINK, { SINK_RECORD_TIMES: '1' });
  try {
    const fast = await webhookCsv(20_000);
    await sink.reset();
    await heraldRun(fast, sink.url, ['--rate', '2000/s', '--concurrency', '64']);
    const fastTimes = (await sink.stats()).times;
    const fastRate = ((fastTimes.length - 1) * 1000) / (fastTimes.at(-1) - fastTimes[0]);
    const burst = Math.ceil(2000 / 20);
    const peak = peakWindow(fastTimes, 100);

    const slow = await webhookCsv(80);
    await sink.reset();
    await heraldRun(slow, sink.url, ['--rate', '7/s']);
    const slowTimes = (await sink.stats()).times;
    const inTenSeconds = slowTimes.filter((t) => t - slowTimes[0] < 10_000).length;
    return [
      { name: 'Pacing: --rate 2000/s for 10 s', figure: `${fastRate.toFixed(1)}/s`, value: fastRate / 2000 - 1, target: 'within ±1%', pass: Math.abs(fastRate / 2000 - 1) <= 0.01, unit: 'error' },
      { name: 'Pacing: busiest 100 ms window at 2000/s', figure: `${peak} sends (burst ${burst})`, value: peak, target: `<= ${200 + burst}`, pass: peak <= 200 + burst, unit: 'sends' },
      { name: 'Pacing: --rate 7/s for 10 s', figure: `${inTenSeconds} sends in the first 10 s (expected 70)`, value: inTenSeconds - 70, target: 'within ±1 message', pass: Math.abs(inTenSeconds - 70) <= 1, unit: 'messages' },
    ];
  } finally {
    sink.stop();
  }
}
