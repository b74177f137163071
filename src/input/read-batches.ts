/**
 * Reads an object-mode stream in batches: everything it has buffered, taken synchronously, then a
 * wait for more. One promise per batch instead of one per record keeps the per-row cost of the
 * input stage small, while the stream's own small buffers still bound how far reading runs ahead.
 */
import { finished, type Readable } from 'node:stream';

/** Most values in one batch. */
export const MAX_BATCH = 128;

/** The stream's values in arrays of up to `max`, in order; throws the stream's error. */
export async function* readBatches<T>(stream: Readable, max: number = MAX_BATCH): AsyncGenerator<T[]> {
  let done = false;
  let failure: unknown = null;
  let wake: (() => void) | null = null;
  const onReadable = () => wake?.();
  stream.on('readable', onReadable);
  const cleanup = finished(stream, { writable: false }, (error) => {
    done = true;
    failure = error && (error as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE' ? error : null;
    wake?.();
  });
  try {
    for (;;) {
      const batch: T[] = [];
      while (batch.length < max) {
        const value = stream.destroyed ? null : (stream.read() as T | null);
        if (value === null) break;
        batch.push(value);
      }
      if (batch.length > 0) {
        yield batch;
        continue;
      }
      if (failure) throw failure;
      if (done) return;
      await new Promise<void>((resolve) => (wake = resolve));
      wake = null;
    }
  } finally {
    stream.off('readable', onReadable);
    cleanup();
  }
}
