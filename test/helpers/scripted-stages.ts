/**
 * Test stand-ins for the engine's stages that a test scripts: a channel whose answers the test
 * decides (it records what it was asked), an in-memory result sink, and rows from a key list.
 */
import type { Channel, Reconciliation, SendContext, SendResult } from '../../src/channels/channel.js';
import type { InputItem } from '../../src/input/row.js';
import type { LogRecord, RowRecord } from '../../src/results/record.js';
import type { ResultSink } from '../../src/results/result-sink.js';

/** The answer to a key's n-th attempt. */
export type Script = (key: string, attempt: number) => SendResult | Promise<SendResult>;

/** A channel whose answers come from a script; it records what it was asked. */
export class ScriptedChannel implements Channel<string> {
  readonly name = 'scripted';
  readonly sent: string[] = [];
  readonly reconciled: string[] = [];
  reconcile?: (message: string) => Promise<Reconciliation>;

  constructor(
    private readonly script: Script,
    readonly dedupeWindowMs: number,
    reconcile?: (key: string) => Reconciliation,
  ) {
    if (reconcile) {
      this.reconcile = async (message: string) => {
        this.reconciled.push(message);
        return reconcile(message);
      };
    }
  }

  prepare(fields: Readonly<Record<string, unknown>>) {
    return { ok: true as const, message: String(fields.id) };
  }

  async send(message: string, ctx: SendContext): Promise<SendResult> {
    this.sent.push(message);
    return this.script(message, ctx.attempt);
  }

  describe(message: string): string {
    return message;
  }

  async close(): Promise<void> {}
}

/** A result sink that keeps records in memory; `failAfter` makes commits fail once more records than that were appended. */
export class MemorySink implements ResultSink {
  readonly records: LogRecord[] = [];
  private queue: LogRecord[] = [];
  backlogged = false;

  constructor(private readonly failAfter = Infinity) {}

  append(record: LogRecord): void {
    this.queue.push(record);
  }

  async commit(): Promise<void> {
    if (this.records.length + this.queue.length > this.failAfter) throw new Error('ENOSPC');
    this.records.push(...this.queue);
    this.queue = [];
  }

  async close(): Promise<void> {
    await this.commit().catch(() => undefined);
  }

  /** Row records, in order. */
  rows(): RowRecord[] {
    return this.records.filter((r): r is RowRecord => r.type === 'row');
  }

  /** Each key's last row record. */
  last(): Map<string, RowRecord> {
    return new Map(this.rows().map((r) => [r.key ?? '', r]));
  }
}

/** Input rows with one field, `id`, one per key. */
export async function* rows(keys: readonly string[]): AsyncGenerator<InputItem[]> {
  let line = 0;
  for (const id of keys) {
    line++;
    yield [{ kind: 'row', line, sourceLine: line + 1, fields: { id } }];
  }
}
