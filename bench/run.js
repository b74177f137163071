// `npm run bench`: every scenario against sinks started here on 127.0.0.1, each comparison run
// side by side (alternating) in this one invocation. Prints a table; writes bench/results.json.
// Flags: --quick (fewer rows and rounds), --only NAME (http, scale, scale-log, pacing, startup, email, sms, workers).
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { httpThroughput, pacing, scale } from './scenarios/http.js';
import { startup } from './scenarios/startup.js';
import { email, sms } from './scenarios/channels.js';
import { workers } from './scenarios/workers.js';
import { scaleLog } from './scenarios/scale-log.js';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : null;

const scenarios = [
  ['startup', () => startup({ rounds: quick ? 5 : 15 })],
  ['http', () => httpThroughput({ rows: quick ? 50_000 : 200_000, rounds: quick ? 2 : 3 })],
  ['pacing', () => pacing()],
  ['email', () => email({ messages: quick ? 2_000 : 10_000, rounds: quick ? 2 : 3 })],
  ['sms', () => sms({ messages: quick ? 20_000 : 100_000, rounds: quick ? 2 : 3 })],
  ['workers', () => workers({ messages: quick ? 1_500 : 5_000, rounds: quick ? 1 : 3 })],
  ['scale-log', () => scaleLog({ sizes: quick ? [100_000, 300_000] : [100_000, 1_000_000] })],
  ['scale', () => scale({ sizes: quick ? [20_000, 100_000, 200_000, 400_000] : [20_000, 100_000, 200_000, 1_000_000] })],
];

const rows = [];
for (const [name, run] of scenarios) {
  if (only && only !== name) continue;
  process.stderr.write(`bench: ${name}…\n`);
  try {
    const result = await run();
    for (const row of [result].flat()) {
      rows.push(row);
      process.stderr.write(`  ${row.pass ? 'ok  ' : 'MISS'} ${row.name}: ${row.figure} -> ${typeof row.value === 'number' ? row.value.toFixed(3) : row.value} (target ${row.target})\n`);
    }
  } catch (error) {
    rows.push({ name, figure: `failed: ${error.message}`, value: null, target: '-', pass: false });
    process.stderr.write(`  FAIL ${name}: ${error.stack}\n`);
  }
}

const machine = { node: process.version, cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, platform: process.platform, at: new Date().toISOString() };
const width = Math.max(...rows.map((r) => r.name.length));
console.log(`\nherald bench — Node ${machine.node}, ${machine.cores} × ${machine.cpu}\n`);
console.log(`${'scenario'.padEnd(width)}  ${'result'.padEnd(12)}  ${'target'.padEnd(18)}  figures`);
for (const row of rows) {
  const value = typeof row.value === 'number' ? (row.unit === 'MB' ? `${row.value.toFixed(0)} MB` : row.value.toFixed(3)) : '-';
  const spread = row.spread ? ` (spread ${row.spread[0].toFixed(3)}–${row.spread[1].toFixed(3)})` : '';
  console.log(`${row.name.padEnd(width)}  ${(row.pass ? '✓ ' : '✗ ') + value.padEnd(10)}  ${row.target.padEnd(18)}  ${row.figure}${spread}`);
}
writeFileSync(fileURLToPath(new URL('./results.json', import.meta.url)), JSON.stringify({ machine, results: rows }, null, 2) + '\n');
