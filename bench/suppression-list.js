// Measures loading a big --suppress list: writes a plain list and a CSV list of ROWS entries (half
// e-mail addresses in mixed case, half phone numbers in the forms people write: +86 138…, 138…,
// 0086…, +1 (415) …), then loads each in a fresh process (the built dist/) and prints the time,
// the resident memory after loading and its peak, and that a few entries match.
//   npm run build && node bench/suppression-list.js [ROWS=1000000]
import { execFileSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const rows = Number(process.argv[2] ?? 1_000_000);
const dist = fileURLToPath(new URL('../dist/input/suppression-file.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'herald-suppress-'));

function entry(i) {
  if (i % 2 === 0) return i % 4 === 0 ? `User.${i}@Example.com` : `user.${i}@example.COM`;
  const mobile = String(13_000_000_000 + i);
  const forms = [`+86 ${mobile.slice(0, 3)} ${mobile.slice(3, 7)} ${mobile.slice(7)}`, mobile, `0086${mobile}`, `+1 (415) ${String(i).padStart(7, '0').slice(0, 3)}-${String(i).padStart(7, '0').slice(3)}`];
  return forms[(i >> 1) % forms.length];
}

async function writeList(path, header, line) {
  const out = createWriteStream(path);
  if (header) out.write(header + '\n');
  for (let i = 0; i < rows; i++) if (!out.write(line(i) + '\n')) await once(out, 'drain');
  out.end();
  await once(out, 'finish');
}

const plain = join(dir, 'optout.txt');
const csv = join(dir, 'optout.csv');
await writeList(plain, '# generated', entry);
await writeList(csv, 'email,note', (i) => `${entry(i)},unsubscribed`);

// One fresh process per list, so memory is the list's alone.
const probe = `
  const { loadSuppression } = await import(${JSON.stringify(dist)});
  const before = process.memoryUsage().rss;
  const start = performance.now();
  const suppression = await loadSuppression([process.argv[1]], 'email');
  const ms = performance.now() - start;
  const matches = ['user.0@example.com', 'USER.2@example.com', '130 0000 0001', '+8613000000003', '+86 130 0000 0005', '+1 415 000 0007', 'nobody@example.com'].map((v) => suppression.reason('k', v) !== null);
  console.log(JSON.stringify({ ms: Math.round(ms), rssBeforeMb: Math.round(before / 2 ** 20), rssAfterMb: Math.round(process.memoryUsage().rss / 2 ** 20), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), matches }));
`;
for (const path of [plain, csv]) {
  const result = JSON.parse(execFileSync(process.execPath, ['--input-type=module', '-e', probe, path], { encoding: 'utf8' }));
  console.log(`${path.endsWith('.csv') ? 'csv  ' : 'plain'} ${rows} entries, ${(statSync(path).size / 2 ** 20).toFixed(1)} MB: loaded in ${result.ms} ms, RSS ${result.rssBeforeMb} → ${result.rssAfterMb} MB (peak ${result.maxRssMb} MB), matches ${JSON.stringify(result.matches)}`);
}
rmSync(dir, { recursive: true, force: true });
