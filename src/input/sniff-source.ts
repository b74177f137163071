/**
 * Runs the `auto` encoding decision over a real source. A file is scanned with positional reads
 * that keep nothing, as far as the decision needs (an all-ASCII file is read once to its end);
 * stdin cannot be read twice, so a bounded prefix is held and put back for the parser.
 */
import type { FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { EncodingSniffer, type EncodingChoice } from './encoding-sniffer.js';

/** Bytes per positional read while scanning a file. */
export const SNIFF_CHUNK_BYTES = 64 * 1024;

/** Most bytes of stdin held back to decide its encoding; past it, what was seen decides. */
export const STDIN_SNIFF_LIMIT_BYTES = 1024 * 1024;

/** Decides the encoding of an open file from its first bytes, reading only as far as needed. */
export async function sniffFile(handle: FileHandle): Promise<EncodingChoice> {
  const sniffer = new EncodingSniffer();
  const buffer = Buffer.allocUnsafe(SNIFF_CHUNK_BYTES);
  for (let position = 0; ; ) {
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
    if (bytesRead === 0) return sniffer.end();
    const decided = sniffer.push(buffer.subarray(0, bytesRead));
    if (decided !== undefined) return decided;
    position += bytesRead;
  }
}

/**
 * Decides the encoding of a stream from a prefix of at most `limit` bytes (more only if one chunk
 * overshoots), then puts the prefix back so the stream reads from its start again. Returns the
 * stream to read from: `stream` itself, or a replay of the prefix (in the chunks it came in) when
 * the stream already ended.
 */
export async function sniffStream(
  stream: Readable,
  limit: number = STDIN_SNIFF_LIMIT_BYTES,
): Promise<{ choice: EncodingChoice; source: Readable }> {
  const sniffer = new EncodingSniffer();
  const prefix: Buffer[] = [];
  let held = 0;
  let decided: EncodingChoice | undefined;
  while (decided === undefined && held < limit) {
    const chunk = await nextChunk(stream);
    if (chunk === null) break;
    prefix.push(chunk);
    held += chunk.length;
    decided = sniffer.push(chunk);
  }
  const choice = decided ?? sniffer.end();
  if (stream.readableEnded) {
    return { choice, source: Readable.from(prefix, { objectMode: false }) };
  }
  // Put back chunk by chunk (last first), so the parser is fed in read-sized pieces.
  for (let i = prefix.length - 1; i >= 0; i--) stream.unshift(prefix[i]);
  return { choice, source: stream };
}

/** The next chunk of a paused stream as a Buffer, or null at its end; rejects on a stream error. */
function nextChunk(stream: Readable): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const attempt = (): void => {
      const chunk: unknown = stream.read();
      if (chunk !== null) return finish(() => resolve(toBuffer(chunk)));
      const { errored } = stream;
      if (errored !== null) {
        // The stream emits 'error' on a later tick; it is reported here, by the rejection.
        stream.on('error', () => undefined);
        return finish(() => reject(errored));
      }
      if (stream.readableEnded || stream.destroyed) return finish(() => resolve(null));
    };
    const onEnd = (): void => finish(() => resolve(null));
    const onError = (err: Error): void => finish(() => reject(err));
    const finish = (settle: () => void): void => {
      stream.off('readable', attempt);
      stream.off('end', onEnd);
      stream.off('close', onEnd);
      stream.off('error', onError);
      settle();
    };
    stream.on('readable', attempt);
    stream.on('end', onEnd);
    stream.on('close', onEnd);
    stream.on('error', onError);
    attempt();
  });
}

/** A chunk read from a byte stream (a Buffer, or a string if someone set an encoding on it). */
function toBuffer(chunk: unknown): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
}
