/** Splits decoded text, arriving in chunks, into lines without ever holding more than one long line. */

/** Longest JSONL line accepted (in characters); a longer one is reported, not held in memory. */
export const MAX_LINE_CHARS = 1024 * 1024;

/** A complete line, or the mark of a line that was too long to keep. */
export type SplitLine = { readonly text: string; readonly tooLong: false } | { readonly text: ''; readonly tooLong: true };

/**
 * Turns chunks of text into lines split at `\n` (a trailing `\r` is dropped). A line longer than
 * `maxChars` is dropped as it streams by and comes out once, as `{ tooLong: true }`.
 */
export class LineSplitter {
  private carry = '';
  private skipping = false;

  /** @param maxChars longest line kept; @default MAX_LINE_CHARS */
  constructor(private readonly maxChars: number = MAX_LINE_CHARS) {}

  /** Feeds a chunk; returns the lines it completes, in order. */
  push(chunk: string): SplitLine[] {
    const lines: SplitLine[] = [];
    let start = 0;
    for (let end = chunk.indexOf('\n'); end !== -1; end = chunk.indexOf('\n', start)) {
      lines.push(this.finish(this.carry + chunk.slice(start, end)));
      this.carry = '';
      start = end + 1;
    }
    if (!this.skipping) {
      this.carry += chunk.slice(start);
      if (this.carry.length > this.maxChars) {
        this.carry = '';
        this.skipping = true;
      }
    }
    return lines;
  }

  /** Ends the input; returns the last line when the text did not end with a line break. */
  end(): SplitLine[] {
    const last = this.skipping || this.carry !== '' ? [this.finish(this.carry)] : [];
    this.carry = '';
    return last;
  }

  /** Closes the current line: the text, or the too-long mark when it was being skipped. */
  private finish(text: string): SplitLine {
    if (this.skipping) {
      this.skipping = false;
      return { text: '', tooLong: true };
    }
    const line = text.endsWith('\r') ? text.slice(0, -1) : text;
    return line.length > this.maxChars ? { text: '', tooLong: true } : { text: line, tooLong: false };
  }
}
