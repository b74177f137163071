/** Splits bytes, arriving in chunks, into lines without ever holding more than one long line. */

/** Longest JSONL line accepted (in bytes); a longer one is reported, not held in memory. */
export const MAX_LINE_BYTES = 1024 * 1024;

/** A complete line (its bytes, the line break dropped), or the mark of a line too long to keep. */
export type SplitLine = { readonly bytes: Buffer; readonly tooLong: false } | { readonly tooLong: true };

const LF = 0x0a;
const CR = 0x0d;

/**
 * Turns chunks of bytes into lines split at LF (a CR before it is dropped). A line longer than
 * `maxBytes` is dropped as it streams by and comes out once, as `{ tooLong: true }`.
 */
export class LineSplitter {
  private carry: Buffer[] = [];
  private carried = 0;
  private skipping = false;

  /** @param maxBytes longest line kept; @default MAX_LINE_BYTES */
  constructor(private readonly maxBytes: number = MAX_LINE_BYTES) {}

  /** Feeds a chunk; returns the lines it completes, in order. */
  push(chunk: Buffer): SplitLine[] {
    const lines: SplitLine[] = [];
    let start = 0;
    for (let end = chunk.indexOf(LF); end !== -1; end = chunk.indexOf(LF, start)) {
      lines.push(this.finish(chunk.subarray(start, end)));
      start = end + 1;
    }
    if (!this.skipping && start < chunk.length) {
      this.carry.push(chunk.subarray(start));
      this.carried += chunk.length - start;
      if (this.carried > this.maxBytes) {
        this.carry = [];
        this.carried = 0;
        this.skipping = true;
      }
    }
    return lines;
  }

  /** Ends the input; returns the last line when the input did not end with a line break. */
  end(): SplitLine[] {
    return this.skipping || this.carried > 0 ? [this.finish(Buffer.alloc(0))] : [];
  }

  /** Closes the current line with its last piece: the bytes, or the too-long mark when it was being skipped. */
  private finish(last: Buffer): SplitLine {
    const whole = this.carried === 0 ? last : Buffer.concat([...this.carry, last]);
    this.carry = [];
    this.carried = 0;
    if (this.skipping) {
      this.skipping = false;
      return { tooLong: true };
    }
    const bytes = whole.at(-1) === CR ? whole.subarray(0, -1) : whole;
    return bytes.length > this.maxBytes ? { tooLong: true } : { bytes, tooLong: false };
  }
}
