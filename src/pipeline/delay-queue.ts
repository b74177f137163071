/** Rows waiting for their retry, ordered by when they are due (a binary min-heap). Holds no send slot. */

interface Entry<T> {
  readonly dueAt: number;
  readonly seq: number;
  readonly value: T;
}

/** A min-heap of values by due time; equal times come out in insertion order. */
export class DelayQueue<T> {
  private readonly heap: Entry<T>[] = [];
  private seq = 0;

  get size(): number {
    return this.heap.length;
  }

  /** When the earliest value is due, or undefined when empty. */
  get nextDueAt(): number | undefined {
    return this.heap[0]?.dueAt;
  }

  /** Add a value due at `dueAt` (ms). */
  push(value: T, dueAt: number): void {
    const heap = this.heap;
    heap.push({ dueAt, seq: this.seq++, value });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  }

  /** Remove and return the earliest value if it is due at `nowMs`. */
  popDue(nowMs: number): T | undefined {
    const top = this.heap[0];
    if (!top || top.dueAt > nowMs) return undefined;
    const last = this.heap.pop()!;
    if (this.heap.length > 0) {
      this.heap[0] = last;
      this.siftDown(0);
    }
    return top.value;
  }

  /** Remove and return every value, earliest first. */
  drain(): T[] {
    const values: T[] = [];
    for (let value = this.popDue(Infinity); value !== undefined; value = this.popDue(Infinity)) values.push(value);
    return values;
  }

  private less(a: Entry<T>, b: Entry<T>): boolean {
    return a.dueAt < b.dueAt || (a.dueAt === b.dueAt && a.seq < b.seq);
  }

  private siftDown(start: number): void {
    const heap = this.heap;
    let i = start;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let smallest = i;
      if (left < heap.length && this.less(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && this.less(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === i) return;
      [heap[i], heap[smallest]] = [heap[smallest]!, heap[i]!];
      i = smallest;
    }
  }
}
