// Across machines on this machine: the email channel (CPU-bound: MIME per message) sent by a local
// `herald send`, by one `herald worker` behind `herald send --queue`, and by two, against the same
// smtp-server sink and a redis-server started here; alternating, median of the rounds.
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TMP } from '../lib/inputs.js';
import { median, startSink, timed } from '../lib/processes.js';

const HERALD = fileURLToPath(new URL('../../bin/herald.js', import.meta.url));

async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startRedis() {
  if (spawnSync('redis-server', ['--version']).error) throw new Error('redis-server is not installed (apt-get install -y redis-server)');
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  await new Promise((resolve) => setTimeout(resolve, 300));
  return { url: `redis://127.0.0.1:${port}/0`, stop: () => child.kill('SIGKILL') };
}

async function writeRows(path, rows) {
  const out = createWriteStream(path);
  out.write('email,name,code\n');
  for (let i = 0; i < rows; i++) if (!out.write(`Name ${i} <user${i}@example.com>,Name ${i},WELCOME-${i}\n`)) await new Promise((resolve) => out.once('drain', resolve));
  await new Promise((resolve) => out.end(resolve));
}

async function sendRate(args, env) {
  const out = `${TMP}workers-bench.results.jsonl`;
  rmSync(out, { force: true });
  const run = await timed(process.execPath, ['--', HERALD, ...args, '--out', out, '--quiet', '--json'], { env: { ...process.env, ...env } });
  if (run.code !== 0) throw new Error(`herald exited ${run.code}: ${run.stderr}`);
  const summary = JSON.parse(run.stdout);
  return (summary.status.sent * 1000) / summary.durationMs;
}

function startWorkers(count, url, env) {
  return Array.from({ length: count }, () => spawn(process.execPath, ['--', HERALD, 'worker', url], { stdio: 'ignore', env: { ...process.env, ...env } }));
}

/** Local send vs 1 worker vs 2 workers, email to one smtp-server sink. */
export async function workers({ messages, rounds }) {
  mkdirSync(TMP, { recursive: true });
  const csv = `${TMP}workers-${messages}.csv`;
  await writeRows(csv, messages);
  const template = `${TMP}workers-welcome.html`;
  writeFileSync(template, 'From: Shop News <news@shop.example>\nSubject: 欢迎, {{name}}! Your welcome code inside\n\n<!DOCTYPE html><html><body><h1>Welcome, {{name}}!</h1><p>Your code is <strong>{{code}}</strong>.</p></body></html>\n');
  const sink = await startSink(new URL('../lib/smtp-sink.js', import.meta.url));
  const redis = await startRedis();
  const env = { HERALD_SMTP_URL: sink.url };
  const args = ['send', csv, '--channel', 'email', '--template', template, '--concurrency', '5'];
  const figures = { local: [], one: [], two: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      figures.local.push(await sendRate(args, env));
      for (const [name, count] of [['one', 1], ['two', 2]]) {
        const pool = startWorkers(count, redis.url, env);
        try {
          figures[name].push(await sendRate([...args, '--queue', redis.url], {}));
        } finally {
          for (const worker of pool) worker.kill('SIGKILL');
        }
      }
    }
  } finally {
    sink.stop();
    redis.stop();
  }
  const local = median(figures.local);
  const one = median(figures.one);
  const two = median(figures.two);
  const overhead = figures.one.map((rate, i) => rate / figures.local[i]);
  const scaling = figures.two.map((rate, i) => rate / figures.one[i]);
  return [
    { name: `Workers: 1 worker / local send (email, ${messages.toLocaleString('en')} messages)`, figure: `local ${Math.round(local)}/s, 1 worker ${Math.round(one)}/s`, value: median(overhead), spread: [Math.min(...overhead), Math.max(...overhead)], target: '>= 0.7', pass: median(overhead) >= 0.7, unit: 'ratio' },
    { name: 'Workers: 2 workers / 1 worker (2 cores shared with the sink and Redis)', figure: `2 workers ${Math.round(two)}/s`, value: median(scaling), spread: [Math.min(...scaling), Math.max(...scaling)], target: 'reported', pass: true, unit: 'ratio' },
  ];
}
