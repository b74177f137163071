/**
 * The progress bar as people see it, under a real pseudo terminal (util-linux `script`) at 80 and
 * 60 columns with colour on: the last line drawn before the summary holds the final counts whole,
 * and no line is wider than the terminal.
 */
import { spawn, spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { HERALD } from '../helpers/cli.js';
import { writeCsv } from '../helpers/files.js';
import { useWorkspace } from '../helpers/workspace.js';
import { shellLine } from '../../src/render/shell-words.js';

const ws = useWorkspace();
const ESC = String.fromCharCode(27);
// Colour and cursor sequences (ESC [ … letter), and the others `script` or the bar writes.
const SEQUENCES = new RegExp(`${ESC}\\[[0-9;?]*[A-Za-z]|${ESC}[78]`, 'g');
const COLUMN_ONE = new RegExp(`${ESC}\\[1?G`, 'g');

/** `script` runs a command under a pseudo terminal; it is in Debian's essential bsdutils, installed here if a minimal image lacks it. */
beforeAll(() => {
  if (spawnSync('script', ['--version']).status === 0) return;
  if (process.getuid?.() === 0) spawnSync('apt-get', ['install', '-y', 'bsdutils'], { stdio: 'inherit' });
  if (spawnSync('script', ['--version']).status !== 0) throw new Error('this test needs `script` (util-linux): apt-get install -y bsdutils');
});

/** Run herald under a pseudo terminal `columns` wide; everything it drew, as one string. */
function underTerminal(args: readonly string[], columns: number): Promise<{ code: number | null; screen: string }> {
  const command = `stty cols ${columns} rows 30; exec ${shellLine([process.execPath, '--', HERALD, ...args])}`;
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '1', TERM: 'xterm-256color' };
  delete env.NO_COLOR;
  const child = spawn('script', ['-qfec', command, '/dev/null'], { cwd: ws.dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let screen = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (screen += chunk));
  child.stderr.resume();
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, screen })));
}

describe('the progress bar under a terminal', () => {
  it.each([80, 60])('at %i columns, with colour: counts whole in the last bar drawn, no bar wider than the terminal', async (columns) => {
    // Every tenth row is refused: the final counts are sent 270, failed 30.
    const sink = await ws.startSink((request) => (Number(JSON.parse(request.body).id.slice(1)) % 10 === 3 ? { status: 422 } : { status: 200 }));
    const csv = writeCsv(ws.dir, 300);
    const { code, screen } = await underTerminal(['send', csv, '--channel', 'webhook', '--url', sink.url, '--rate', '600/s'], columns);
    expect(code).toBe(3);
    expect(screen).toContain(`${ESC}[32m`); // colour was on
    // A redraw starts at column 1 (a carriage return, or the cursor sent to column 1).
    const drawn = screen.replace(COLUMN_ONE, '\r').split(/\r\n|\r|\n/).map((line) => line.replace(SEQUENCES, ''));
    const bars = drawn.filter((line) => /\d+\/300 .*sent \d+ failed \d+/.test(line));
    expect(bars.length).toBeGreaterThan(0);
    expect(bars.at(-1)).toMatch(/300\/300 .*sent 270 failed 30$/);
    for (const line of bars) expect([...line].length, line).toBeLessThan(columns);
  });
});
