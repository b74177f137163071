/** Fuzzed recipient files for tests: seeded random CSV/JSONL mutations (issue 15's corpus, regenerated). */
import { MAX_RECORD_BYTES } from '../../src/input/csv-items.js';

/** A seeded pseudo-random generator (the same cases every run). */
export function seeded(seed: number): () => number {
  let state = seed;
  return () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
}

/** A way a fuzzed row is broken. */
export type Mutation = 'quote' | 'cr' | 'nul' | 'deep' | 'huge' | 'fields' | 'utf8';

/** A fuzzed file: its bytes, and for each untouched row, its fields. */
export interface Fuzzed {
  readonly bytes: Buffer;
  /** Fields of the rows left as written, by key. */
  readonly untouched: Map<string, Record<string, unknown>>;
  /** Whether a mutation may stop reading (an unclosed quote). */
  readonly mayStop: boolean;
  /** The mutations made. */
  readonly made: readonly Mutation[];
}

/** Builds a fuzzed CSV or JSONL file of up to 40 rows, some of them mutated. */
export function fuzz(format: 'csv' | 'jsonl', random: () => number, index: number): Fuzzed {
  const mutations: Mutation[] = format === 'csv' ? ['quote', 'cr', 'nul', 'huge', 'fields', 'utf8'] : ['cr', 'nul', 'deep', 'huge', 'fields', 'utf8'];
  const rows = 1 + Math.floor(random() * 40);
  const parts: Buffer[] = [Buffer.from(format === 'csv' ? 'email,name,city\n' : '')];
  const untouched = new Map<string, Record<string, unknown>>();
  let mayStop = false;
  const made: Mutation[] = [];
  // Huge fields cost time: one in a few cases only, and then surely.
  const hugeRow = index % 50 === 7 ? Math.floor(random() * rows) : -1;
  for (let i = 0; i < rows; i++) {
    // No quotes in CSV rows: a quote opened by a mutation then runs to the end (a later quote would close it).
    const fields = { email: `u${i}@example.com`, name: i % 3 === 0 ? `张伟 ${i}` : `Ann ${i}`, city: `Oslo ${i}` };
    const line = format === 'csv' ? `${fields.email},${fields.name},${fields.city}` : JSON.stringify(fields);
    let mutation: Mutation | null = random() < 0.15 ? (mutations[Math.floor(random() * mutations.length)] as Mutation) : null;
    // Huge only where chosen; one quote at most (a second one would close the first, as in any CSV).
    if (mutation === 'huge' || (mutation === 'quote' && mayStop)) mutation = null;
    if (i === hugeRow) mutation = 'huge';
    if (mutation !== null) made.push(mutation);
    const at = Math.floor(random() * line.length);
    let bytes = Buffer.from(line);
    switch (mutation) {
      case 'quote':
        bytes = Buffer.from(`${fields.email},"${fields.name},${fields.city}`);
        mayStop = true;
        break;
      case 'cr':
        bytes = Buffer.from(`${line.slice(0, at)}\r${line.slice(at)}`);
        break;
      case 'nul':
        bytes = Buffer.from(`${line.slice(0, at)}\0${line.slice(at)}`);
        break;
      case 'deep':
        bytes = Buffer.from(`{"email":"deep${i}@example.com","x":${'['.repeat(100 + Math.floor(random() * 5000))}]}`);
        break;
      case 'huge':
        bytes = Buffer.from(format === 'csv' ? `${fields.email},${'h'.repeat(MAX_RECORD_BYTES + 1)},x` : `{"email":"${'h'.repeat(MAX_RECORD_BYTES + 1)}"}`);
        break;
      case 'fields':
        bytes = Buffer.from(format === 'csv' ? `${line},extra` : `[${line}]`);
        break;
      case 'utf8':
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from([0xd5, 0xc5, 0xff]), bytes.subarray(at)]);
        break;
      case null:
        untouched.set(fields.email, fields);
    }
    parts.push(bytes, Buffer.from(random() < 0.2 ? '\r\n' : '\n'));
  }
  return { bytes: Buffer.concat(parts), untouched, mayStop, made };
}

