/** How the input stage words read failures, and a way to take a stream's next value or its error. */
import { InputStoppedError } from '../errors.js';

/** One line describing an error. */
export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The error for a read that failed partway (a broken pipe, a disk error): names the input and the
 * last line read. The rows before it were read; the run stops (exit 1) and `--resume` goes on.
 */
export function readStopped(label: string, lastLine: number, err: unknown): InputStoppedError {
  return new InputStoppedError(`${label}: reading stopped after line ${lastLine}: ${describeError(err)}; run again with --resume to go on from there`);
}

/** The next step of an async iterator, or what it threw, as a value. */
export type Pulled<T> = { readonly ok: true; readonly step: IteratorResult<T> } | { readonly ok: false; readonly error: unknown };

/** Pulls the next value of `iterator`, returning a failure as a value rather than throwing. */
export async function pull<T>(iterator: AsyncIterator<T>): Promise<Pulled<T>> {
  try {
    return { ok: true, step: await iterator.next() };
  } catch (error) {
    return { ok: false, error };
  }
}
