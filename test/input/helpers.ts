/** Helpers for input tests: a scratch folder, and reading an input to its end. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { openInput, type OpenInput, type OpenInputOptions } from '../../src/input/open-input.js';
import type { InputItem } from '../../src/input/row.js';

/** A scratch folder removed after the test file; `write(name, data)` returns the file's path. */
export function scratch(): { dir: string; write(name: string, data: string | Uint8Array): string } {
  const dir = mkdtempSync(join(tmpdir(), 'herald-input-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write(name, data) {
      const path = join(dir, name);
      writeFileSync(path, data);
      return path;
    },
  };
}

/** Every item of an open input, then closes it. */
export async function drain(input: OpenInput): Promise<InputItem[]> {
  const items: InputItem[] = [];
  try {
    for await (const item of input.items) items.push(item);
  } finally {
    await input.close();
  }
  return items;
}

/** Opens an input and reads it to its end. */
export async function readInput(options: OpenInputOptions): Promise<{ input: OpenInput; items: InputItem[] }> {
  const input = await openInput(options);
  return { input, items: await drain(input) };
}

/** Opens an input and reads it until it ends or throws; returns what was read and what it threw (if anything). */
export async function readUntilStopped(options: OpenInputOptions): Promise<{ input: OpenInput; items: InputItem[]; error: unknown }> {
  const input = await openInput(options);
  const items: InputItem[] = [];
  let error: unknown = undefined;
  try {
    for await (const item of input.items) items.push(item);
  } catch (err) {
    error = err;
  } finally {
    await input.close();
  }
  return { input, items, error };
}
