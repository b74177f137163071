/** Test inputs and result-log reading. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Write a CSV of `count` rows with columns id,name,email (ids k0..k{count-1}); returns its path. */
export function writeCsv(dir: string, count: number, name = 'rows.csv', extra: (i: number) => string[] = () => []): string {
  const lines = ['id,name,email'];
  for (let i = 0; i < count; i++) lines.push([`k${i}`, i % 2 ? `名字${i}` : `Name ${i}`, `user${i}@example.com`, ...extra(i)].join(','));
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n') + '\n');
  return path;
}

/** Every record of a result log (torn or blank lines skipped). */
export function readLog(path: string): Record<string, unknown>[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
}

/** Row records only. */
export function rowRecords(path: string): Record<string, unknown>[] {
  return readLog(path).filter((record) => record.type !== 'run');
}

/** Each key's state: its last row record not counting skipped/duplicate ones (skipped/suppressed is a state). */
export function lastByKey(path: string): Map<string, Record<string, unknown>> {
  const last = new Map<string, Record<string, unknown>>();
  for (const record of rowRecords(path)) {
    if (record.status === 'skipped' && record.class !== 'suppressed') continue;
    last.set(String(record.key), record);
  }
  return last;
}

/** How many keys end in each `status/class` state ("sent/ok": 98, "failed/permanent": 2). */
export function countStates(path: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of lastByKey(path).values()) {
    const state = `${String(row.status)}/${String(row.class)}`;
    counts[state] = (counts[state] ?? 0) + 1;
  }
  return counts;
}
