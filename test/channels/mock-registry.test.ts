// The simulators are described in their own registry: every channel has one, `herald mock`
// lists them in the channels' order, and no production channel module imports a simulator.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../src/channels/registry.js';
import { findMock, MOCKS } from '../../src/mock/registry.js';

const CHANNELS_DIR = join(import.meta.dirname, '../../src/channels');

/** Every import or dynamic import specifier of the TypeScript files under `dir`. */
function importsUnder(dir: string): { file: string; specifier: string }[] {
  const found: { file: string; specifier: string }[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !entry.name.endsWith('.ts')) continue;
    const file = join(entry.parentPath, entry.name);
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(/(?:from|import\()\s*'([^']+)'/g)) found.push({ file, specifier: match[1]! });
  }
  return found;
}

describe('the simulator registry', () => {
  it('has one simulator per channel, in the channels\' order', () => {
    expect(MOCKS.map((mock) => mock.channel)).toEqual(CHANNELS.map((channel) => channel.name));
    for (const channel of CHANNELS) expect(findMock(channel.name)?.options.length).toBeGreaterThan(0);
    expect(findMock('fax')).toBeUndefined();
  });

  it('loads each simulator with a start function', async () => {
    for (const mock of MOCKS) expect(typeof (await mock.load()).start).toBe('function');
  });

  it('is never imported by a production channel', () => {
    const imports = importsUnder(CHANNELS_DIR);
    expect(imports.length).toBeGreaterThan(50);
    expect(imports.filter((i) => i.specifier.includes('/mock/'))).toEqual([]);
  });
});
