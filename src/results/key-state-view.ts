/**
 * A key's state as callers see it, and the view that reads it from the compact store: the short
 * parts from typed arrays, the long ones (key text, row, error, idempotency key, Message-ID) from
 * the key's last record in the log, read again only when asked for.
 */
import type { RowClass, RowRecord, RowStatus } from './record.js';

/** The state of one key: its last counting row record, trimmed to what callers use. */
export interface KeyState {
  readonly key: string;
  readonly status: RowStatus;
  readonly class: RowClass | null;
  readonly code: string | null;
  readonly error: string | null;
  readonly attempts: number;
  readonly idempotencyKey: string | null;
  readonly messageId: string | null;
  readonly latencyMs: number | null;
  /** Time of the record, ms since the epoch. */
  readonly at: number;
  readonly line: number;
  /** The row's fields, for rows not yet done (pending or failed). */
  readonly row?: Readonly<Record<string, unknown>>;
}

/** What readers of a fold use of its key states (a Map of states has the same shape). */
export interface KeyStateView {
  readonly size: number;
  get(key: string): KeyState | undefined;
  has(key: string): boolean;
  values(): IterableIterator<KeyState>;
}

/** What a view reads from the store, by the key's index there. */
export interface StateStore {
  status(at: number): RowStatus;
  rowClass(at: number): RowClass | null;
  code(at: number): string | null;
  attempts(at: number): number;
  latencyMs(at: number): number | null;
  time(at: number): number;
  line(at: number): number;
  /** The key's last record, read again from the log. */
  record(at: number): RowRecord;
}

/** A key's state as a view of the store: the compact parts read from it, the rest from the log on demand. */
export class StoredState implements KeyState {
  constructor(
    private readonly store: StateStore,
    private readonly slot: number,
  ) {}

  get key(): string {
    return this.store.record(this.slot).key!;
  }
  get status(): RowStatus {
    return this.store.status(this.slot);
  }
  get class(): RowClass | null {
    return this.store.rowClass(this.slot);
  }
  get code(): string | null {
    return this.store.code(this.slot);
  }
  get error(): string | null {
    return this.store.record(this.slot).error;
  }
  get attempts(): number {
    return this.store.attempts(this.slot);
  }
  get idempotencyKey(): string | null {
    return this.store.record(this.slot).idempotencyKey;
  }
  get messageId(): string | null {
    return this.store.record(this.slot).messageId;
  }
  get latencyMs(): number | null {
    return this.store.latencyMs(this.slot);
  }
  get at(): number {
    return this.store.time(this.slot);
  }
  get line(): number {
    return this.store.line(this.slot);
  }
  get row(): Readonly<Record<string, unknown>> | undefined {
    const status = this.status;
    return status === 'failed' || status === 'pending' ? this.store.record(this.slot).row : undefined;
  }
}
