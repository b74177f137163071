/**
 * The lines of a result log with their byte offsets, read in 1 MiB chunks from one open file: a
 * fold remembers where each key's last record starts, and reads that record again only when a
 * caller needs more than its compact state (the row, the error text).
 */
import { open } from 'node:fs/promises';

/** Bytes read at a time. */
const CHUNK = 1 << 20;

/** One line of the log: its text (without the line break), number (from 1), offset and length in bytes. */
export type LineVisitor = (text: string, lineNo: number, offset: number, length: number) => void;

/** What the reader saw of the file: its identity (to check a later read is of the same file) and its last byte. */
export interface LinesRead {
  readonly dev: number;
  readonly ino: number;
  /** False when the last line has no line break (torn). */
  readonly endsWithNewline: boolean;
  readonly lines: number;
}

/** Call `visit` for every line of the file at `path`, in order. */
export async function readLogLines(path: string, visit: LineVisitor): Promise<LinesRead> {
  const handle = await open(path, 'r');
  try {
    const { dev, ino } = await handle.stat();
    let buffer = Buffer.allocUnsafe(CHUNK);
    let held = 0; // bytes of an unfinished line at the start of buffer
    let heldOffset = 0; // file offset of buffer[0]
    let lineNo = 0;
    let lastByte = 0x0a;
    for (;;) {
      if (held === buffer.length) {
        const bigger = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(bigger, 0, 0, held);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, held, buffer.length - held, heldOffset + held);
      if (bytesRead === 0) break;
      const end = held + bytesRead;
      lastByte = buffer[end - 1]!;
      let start = 0;
      for (let nl = buffer.indexOf(0x0a, held); nl !== -1 && nl < end; nl = buffer.indexOf(0x0a, start)) {
        lineNo++;
        const stop = nl > start && buffer[nl - 1] === 0x0d ? nl - 1 : nl;
        visit(buffer.toString('utf8', start, stop), lineNo, heldOffset + start, nl - start);
        start = nl + 1;
        if (start >= end) break;
      }
      held = end - start;
      if (held > 0 && start > 0) buffer.copy(buffer, 0, start, end);
      heldOffset += start;
    }
    if (held > 0) {
      lineNo++;
      visit(buffer.toString('utf8', 0, held), lineNo, heldOffset, held);
    }
    return { dev, ino, endsWithNewline: lastByte === 0x0a, lines: lineNo };
  } finally {
    await handle.close();
  }
}
