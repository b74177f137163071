/**
 * Each key's state in a folded log, in memory that stays small per key: the key is held as a
 * 96-bit hash, the state as a few typed-array entries (status, class, code, attempts, latency,
 * time, line) plus where the key's last record sits in the log. What is long and rarely needed —
 * the key's text, the row, the error, the idempotency key, the Message-ID — is read again from
 * the log, one record at a time, only when a caller asks for it (the rows a retry sends, the
 * reasons of failed rows). About 60 bytes a key instead of the ~400 a Map of objects took.
 * Two keys share a 96-bit hash with a probability of about 1e-17 in a ten-million-row log.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { ConfigError } from '../errors.js';
import { hash64 } from '../pipeline/string-hash.js';
import { RecordShapeError, decodeRecord } from './codec.js';
import { StoredState, type KeyState, type KeyStateView, type StateStore } from './key-state-view.js';
import { ROW_CLASSES, ROW_STATUSES, type RowClass, type RowRecord, type RowStatus } from './record.js';

export type { KeyState, KeyStateView } from './key-state-view.js';

/** Where the log is, and which file it was when it was folded. */
export interface LogFileIdentity {
  readonly path: string;
  readonly dev: number;
  readonly ino: number;
}

const NO_CODE = 0;
/** A code among more distinct ones than the table holds: read from the record. */
const CODE_IN_RECORD = 0xffff;
const SEED = 0x5bd1e995;

/** Closes the log's file descriptor once nothing holds the states any more. */
const closer = new FinalizationRegistry<{ fd: number | null }>((held) => {
  if (held.fd !== null) closeSync(held.fd);
});

/** The states of a log's keys. */
export class KeyStates implements KeyStateView, StateStore {
  private index = new Int32Array(1 << 10);
  private count = 0;
  private capacity = 0;
  private h1 = new Uint32Array(0);
  private h2 = new Uint32Array(0);
  private h3 = new Uint32Array(0);
  private offsets = new Float64Array(0);
  private lengths = new Uint32Array(0);
  private times = new Float64Array(0);
  private lines = new Uint32Array(0);
  private attemptCounts = new Uint32Array(0);
  private latencies = new Float64Array(0);
  private statuses = new Uint8Array(0);
  private classes = new Uint8Array(0);
  private codeIds = new Uint16Array(0);
  private readonly codeIdOf = new Map<string, number>();
  private readonly codeTexts: string[] = [''];
  private readonly file: { fd: number | null } = { fd: null };
  private identity: LogFileIdentity | null = null;
  private cached: { at: number; record: RowRecord } | null = null;

  /** Number of keys. */
  get size(): number {
    return this.count;
  }

  /** The log the records are read again from (set once the fold has read it). */
  readFrom(identity: LogFileIdentity): void {
    this.identity = identity;
    closer.register(this, this.file);
  }

  /** Forget every key (a new campaign starts in the log). */
  clear(): void {
    this.index.fill(0);
    this.count = 0;
    this.cached = null;
  }

  /** Record `record` (a row record with a key) as its key's state; it sits at `offset` in the log, `length` bytes long. */
  set(record: RowRecord, offset: number, length: number): void {
    const { hi, lo, third } = hashes(record.key!);
    let slot = this.find(hi, lo, third);
    let at = slot < 0 ? -1 : this.index[slot]! - 1;
    if (at < 0) {
      if ((this.count + 1) * 2 > this.index.length) {
        this.growIndex();
        slot = this.find(hi, lo, third);
      }
      if (this.count === this.capacity) this.growStates();
      at = this.count++;
      this.index[~slot] = at + 1;
      this.h1[at] = hi;
      this.h2[at] = lo;
      this.h3[at] = third;
    }
    this.offsets[at] = offset;
    this.lengths[at] = length;
    this.times[at] = Date.parse(record.at);
    this.lines[at] = record.line;
    this.attemptCounts[at] = record.attempts;
    this.latencies[at] = record.latencyMs ?? Number.NaN;
    this.statuses[at] = ROW_STATUSES.indexOf(record.status);
    this.classes[at] = record.class === null ? 0 : ROW_CLASSES.indexOf(record.class) + 1;
    this.codeIds[at] = this.codeId(record.code);
    if (this.cached?.at === at) this.cached = null;
  }

  get(key: string): KeyState | undefined {
    const { hi, lo, third } = hashes(key);
    const slot = this.find(hi, lo, third);
    return slot < 0 ? undefined : new StoredState(this, this.index[slot]! - 1);
  }

  has(key: string): boolean {
    const { hi, lo, third } = hashes(key);
    return this.find(hi, lo, third) >= 0;
  }

  *values(): IterableIterator<KeyState> {
    for (let at = 0; at < this.count; at++) yield new StoredState(this, at);
  }

  /** The state stored at `at` (0 ≤ at < size), in the order the keys first appeared. */
  state(at: number): KeyState {
    return new StoredState(this, at);
  }

  status(at: number): RowStatus {
    return ROW_STATUSES[this.statuses[at]!]!;
  }

  rowClass(at: number): RowClass | null {
    const id = this.classes[at]!;
    return id === 0 ? null : ROW_CLASSES[id - 1]!;
  }

  code(at: number): string | null {
    const id = this.codeIds[at]!;
    if (id === NO_CODE) return null;
    return id === CODE_IN_RECORD ? this.record(at).code : this.codeTexts[id]!;
  }

  attempts(at: number): number {
    return this.attemptCounts[at]!;
  }

  latencyMs(at: number): number | null {
    const latency = this.latencies[at]!;
    return Number.isNaN(latency) ? null : latency;
  }

  time(at: number): number {
    return this.times[at]!;
  }

  line(at: number): number {
    return this.lines[at]!;
  }

  /** The key's last record, read again from the log (a one-line ConfigError when the log is not what was folded). */
  record(at: number): RowRecord {
    if (this.cached?.at === at) return this.cached.record;
    const identity = this.identity;
    if (identity === null) throw new Error('key states read before their log was folded');
    const changed = () => new ConfigError(`${identity.path}: the log changed while herald was reading it (line ${this.lines[at]} is not what it was); run again`);
    let decoded: ReturnType<typeof decodeRecord>;
    try {
      if (this.file.fd === null) {
        const fd = openSync(identity.path, 'r');
        const { dev, ino } = fstatSync(fd);
        if (dev !== identity.dev || ino !== identity.ino) {
          closeSync(fd);
          throw new ConfigError(`${identity.path}: the log was replaced while herald was reading it; run again`);
        }
        this.file.fd = fd;
      }
      const bytes = Buffer.allocUnsafe(this.lengths[at]!);
      const read = readSync(this.file.fd, bytes, 0, bytes.length, this.offsets[at]!);
      decoded = read === bytes.length ? decodeRecord(parseOrNull(bytes.toString('utf8'))) : null;
    } catch (error) {
      if (error instanceof ConfigError) throw error;
      throw new ConfigError(`${identity.path}: cannot read the log again (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); run again`);
    }
    // Rewritten in place (same file, other bytes): the record there must be this key's, on its line.
    if (decoded === null || decoded instanceof RecordShapeError || decoded.type !== 'row' || decoded.key === null || decoded.line !== this.lines[at]) throw changed();
    const { hi, lo, third } = hashes(decoded.key);
    if (hi !== this.h1[at] || lo !== this.h2[at] || third !== this.h3[at]) throw changed();
    this.cached = { at, record: decoded };
    return decoded;
  }

  private codeId(code: string | null): number {
    if (code === null) return NO_CODE;
    let id = this.codeIdOf.get(code);
    if (id === undefined) {
      if (this.codeTexts.length >= CODE_IN_RECORD) return CODE_IN_RECORD;
      id = this.codeTexts.push(code) - 1;
      this.codeIdOf.set(code, id);
    }
    return id;
  }

  /** The slot holding the hash (≥ 0), or the bitwise complement of the empty slot where it would go. */
  private find(hi: number, lo: number, third: number): number {
    const mask = this.index.length - 1;
    for (let slot = (lo ^ Math.imul(hi, 0x9e3779b1)) & mask; ; slot = (slot + 1) & mask) {
      const entry = this.index[slot]!;
      if (entry === 0) return ~slot;
      const at = entry - 1;
      if (this.h2[at] === lo && this.h1[at] === hi && this.h3[at] === third) return slot;
    }
  }

  private growIndex(): void {
    const mask = this.index.length * 2 - 1;
    const index = new Int32Array(mask + 1);
    for (let at = 0; at < this.count; at++) {
      let slot = (this.h2[at]! ^ Math.imul(this.h1[at]!, 0x9e3779b1)) & mask;
      while (index[slot] !== 0) slot = (slot + 1) & mask;
      index[slot] = at + 1;
    }
    this.index = index;
  }

  private growStates(): void {
    const capacity = Math.max(1024, Math.ceil(this.capacity * 1.5));
    const grow = <T extends Uint8Array | Uint16Array | Uint32Array | Float64Array>(old: T, make: new (n: number) => T): T => {
      const next = new make(capacity);
      next.set(old as never);
      return next;
    };
    this.h1 = grow(this.h1, Uint32Array);
    this.h2 = grow(this.h2, Uint32Array);
    this.h3 = grow(this.h3, Uint32Array);
    this.offsets = grow(this.offsets, Float64Array);
    this.lengths = grow(this.lengths, Uint32Array);
    this.times = grow(this.times, Float64Array);
    this.lines = grow(this.lines, Uint32Array);
    this.attemptCounts = grow(this.attemptCounts, Uint32Array);
    this.latencies = grow(this.latencies, Float64Array);
    this.statuses = grow(this.statuses, Uint8Array);
    this.classes = grow(this.classes, Uint8Array);
    this.codeIds = grow(this.codeIds, Uint16Array);
    this.capacity = capacity;
  }
}

function hashes(key: string): { hi: number; lo: number; third: number } {
  const { hi, lo } = hash64(key);
  return { hi, lo, third: hash64(key, SEED).lo };
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
