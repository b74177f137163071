// Email (herald vs a raw nodemailer pool loop) and SMS (herald aliyun-sms vs a raw signing undici
// loop), each against one sink process, alternating; median ratio.
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { TMP } from '../lib/inputs.js';
import { median, startSink, timed } from '../lib/processes.js';

const HERALD = fileURLToPath(new URL('../../bin/herald.js', import.meta.url));

async function writeRows(path, header, rows, line) {
  const out = createWriteStream(path);
  out.write(header + '\n');
  for (let i = 0; i < rows; i++) if (!out.write(line(i) + '\n')) await new Promise((resolve) => out.once('drain', resolve));
  await new Promise((resolve) => out.end(resolve));
}

async function heraldRate(args, env) {
  const out = `${TMP}channel-bench.results.jsonl`;
  rmSync(out, { force: true });
  const run = await timed(process.execPath, ['--', HERALD, ...args, '--out', out, '--quiet', '--json'], { env: { ...process.env, ...env } });
  if (run.code !== 0) throw new Error(`herald exited ${run.code}: ${run.stderr}`);
  const summary = JSON.parse(run.stdout);
  return (summary.status.sent * 1000) / summary.durationMs;
}

async function compare({ name, rounds, sinkScript, herald, raw, target }) {
  const sink = await startSink(new URL(sinkScript, import.meta.url));
  const ratios = [];
  const ours = [];
  const theirs = [];
  try {
    for (let round = 0; round < rounds; round++) {
      const a = await heraldRate(...herald(sink.url));
      const run = await timed(process.execPath, raw(sink.url));
      const b = (JSON.parse(run.stdout).count * 1000) / JSON.parse(run.stdout).ms;
      ours.push(a);
      theirs.push(b);
      ratios.push(a / b);
    }
  } finally {
    sink.stop();
  }
  const ratio = median(ratios);
  return { name, figure: `herald ${Math.round(median(ours))}/s vs raw ${Math.round(median(theirs))}/s`, value: ratio, spread: [Math.min(...ratios), Math.max(...ratios)], target: `>= ${target}`, pass: ratio >= target, unit: 'ratio' };
}

/** 10,000 messages at concurrency 5 to an smtp-server sink. */
export async function email({ messages, rounds }) {
  mkdirSync(TMP, { recursive: true });
  const csv = `${TMP}subscribers-${messages}.csv`;
  await writeRows(csv, 'email,name,code', messages, (i) => `Name ${i} <user${i}@example.com>,Name ${i},WELCOME-${i}`);
  const template = `${TMP}welcome.html`;
  writeFileSync(template, 'From: Shop News <news@shop.example>\nReply-To: Shop Help <help@shop.example>\nSubject: 欢迎, {{name}}! Your welcome code inside\n\n<!DOCTYPE html><html><body><h1>Welcome, {{name}}!</h1><p>Your welcome code is <strong>{{code}}</strong>.</p></body></html>\n');
  const text = `${TMP}welcome.txt`;
  writeFileSync(text, 'Welcome, {{name}}!\n\nYour welcome code is {{code}}.\n');
  return compare({
    name: `Email (${messages.toLocaleString('en')} messages, concurrency 5)`,
    rounds,
    sinkScript: '../lib/smtp-sink.js',
    herald: (url) => [['send', csv, '--channel', 'email', '--template', template, '--text', text, '--concurrency', '5'], { HERALD_SMTP_URL: url }],
    raw: (url) => [fileURLToPath(new URL('../lib/raw-nodemailer.js', import.meta.url)), url, String(messages), '5'],
    target: 0.9,
  });
}

/** Aliyun SendSms with HMAC-SHA1 signing per request, concurrency 64. */
export async function sms({ messages, rounds }) {
  mkdirSync(TMP, { recursive: true });
  const csv = `${TMP}members-${messages}.csv`;
  await writeRows(csv, 'phone,name,code', messages, (i) => `${13800000000 + i},会员${i},C${i}`);
  return compare({
    name: `SMS aliyun-sms (${messages.toLocaleString('en')} rows, concurrency 64)`,
    rounds,
    sinkScript: '../lib/aliyun-sink.js',
    herald: (url) => [
      ['send', csv, '--channel', 'aliyun-sms', '--sign-name', '某某商城', '--template-code', 'SMS_123456789', '--param', 'name=name', '--param', 'coupon=code', '--concurrency', '64'],
      { HERALD_ALIYUN_ENDPOINT: url, ALIBABA_CLOUD_ACCESS_KEY_ID: 'bench-key', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'bench-secret' },
    ],
    raw: (url) => [fileURLToPath(new URL('../lib/raw-aliyun.js', import.meta.url)), url, String(messages), '64'],
    target: 0.85,
  });
}
