// Generated inputs for benchmarks, written once per size into bench/tmp/.
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const TMP = fileURLToPath(new URL('../tmp/', import.meta.url));

/** A CSV of `rows` rows (~200-byte JSON body each) for the webhook channel; returns its path. */
export async function webhookCsv(rows) {
  mkdirSync(TMP, { recursive: true });
  const path = `${TMP}rows-${rows}.csv`;
  if (existsSync(path)) return path;
  const out = createWriteStream(path);
  out.write('id,name,email,text,pad\n');
  const pad = 'x'.repeat(60);
  for (let i = 0; i < rows; i++) {
    const id = String(i).padStart(7, '0');
    const line = `k${id},Name ${id},user${id}@example.com,"Hello Name ${id}, your order ships today.",${pad}\n`;
    if (!out.write(line)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve) => out.end(resolve));
  return path;
}
