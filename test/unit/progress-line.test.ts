/** The progress bar's line at the widths people's terminals have: counts whole, colour taking no columns. */
import { describe, expect, it } from 'vitest';
import { PLAIN, type Paint } from '../../src/ui/terminal.js';
import { progressLine, type LineState } from '../../src/ui/progress-line.js';

// Colour as escape codes, the way chalk writes them.
const ansi = (code: number) => (text: string) => `\x1b[${code}m${text}\x1b[39m`;
const COLOUR: Paint = { bold: ansi(1), red: ansi(31), green: ansi(32), yellow: ansi(33), cyan: ansi(36) };
// Escape codes as chalk writes them: ESC [ digits m.
const ESCAPES = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');
const plainOf = (text: string) => text.replace(ESCAPES, '');
const visible = (text: string) => [...plainOf(text)].length;

const busy: LineState = { label: 'send', done: 123456, total: 200000, sent: 120001, failed: 3455, other: 12, rate: 1234.5, etaMs: 62_000, extra: null };

describe('progressLine', () => {
  it.each<[string, number, Paint, LineState]>([
    ['80 columns, colour', 80, COLOUR, busy],
    ['60 columns, colour', 60, COLOUR, busy],
    ['60 columns, no colour', 60, PLAIN, busy],
    ['200 columns, a short run', 200, COLOUR, { ...busy, done: 3, total: 10, sent: 2, failed: 1, other: 0, rate: 2.5, etaMs: 2800 }],
    ['80 columns, rows waiting for their window', 80, COLOUR, { ...busy, extra: '1200 waiting for their window until 09:00 Asia/Shanghai' }],
  ])('%s: fits, and every count is whole', (_name, columns, paint, state) => {
    const line = progressLine(state, columns, paint);
    expect(visible(line)).toBeLessThan(columns);
    const plain = plainOf(line);
    expect(plain).toContain(`${state.done}/${state.total}`);
    expect(plain).toContain(`sent ${state.sent}`);
    expect(plain).toContain(`failed ${state.failed}`);
    if (state.other > 0) expect(plain).toContain(`other ${state.other}`);
  });

  it('draws the bar as wide as the terminal allows (at most 40), and gives the bar up before any count', () => {
    const wide = progressLine(busy, 200, PLAIN);
    expect(wide).toMatch(/[█░]{40}/);
    const at80 = progressLine(busy, 80, PLAIN);
    expect(at80).toMatch(/^send [█░]+ 123456\/200000 1235\/s ETA 1m02s sent 120001 failed 3455 other 12$/);
    const at60 = progressLine(busy, 60, PLAIN);
    expect(at60).not.toMatch(/[█░]/);
    expect(at60).toContain('ETA 1m02s');
  });

  it('a terminal too narrow even for the counts gets the counts alone, whole', () => {
    expect(progressLine(busy, 40, PLAIN)).toBe('123456/200000 sent 120001 failed 3455 other 12');
  });

  it('an unknown total shows the rows done, and no ETA', () => {
    expect(progressLine({ ...busy, total: 0, etaMs: null }, 80, PLAIN)).toMatch(/ 123456 1235\/s sent 120001 failed 3455 other 12$/);
  });
});
