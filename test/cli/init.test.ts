/**
 * `herald init <channel>` as a new user meets it: the campaign it writes runs as written against
 * `herald mock <channel>` (each started as a process, its printed exports read back), the script
 * dry-runs first, nothing is ever overwritten, and a `herald` linked onto the PATH from another
 * folder (what `npm link` or `npm install -g .` make) runs.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Option } from 'commander';
import { CHANNELS } from '../../src/channels/registry.js';
import { findMock } from '../../src/mock/registry.js';
import { INIT_CHANNELS, scaffoldFiles } from '../../src/commands/init-campaigns.js';
import { HERALD, runHerald, spawnHerald, waitFor } from '../helpers/cli.js';
import { countStates } from '../helpers/files.js';
import { useWorkspace } from '../helpers/workspace.js';

const ws = useWorkspace();

/** A folder holding a `herald` command, as `npm link` would put one on the PATH. */
function pathWithHerald(): string {
  const bin = join(ws.dir, 'bin');
  mkdirSync(bin);
  symlinkSync(HERALD, join(bin, 'herald'));
  return `${bin}:${process.env.PATH ?? ''}`;
}

/** `herald mock <channel>` as a process; the variables it printed. */
async function mockProcess(channel: string): Promise<Record<string, string>> {
  const child = spawnHerald(['mock', channel]);
  ws.own({ close: async () => void child.kill('SIGTERM') });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
  await waitFor(() => err.includes('Ctrl-C stops it.'), `herald mock ${channel} to listen`);
  return Object.fromEntries([...out.matchAll(/^export (\w+)=(.*)$/gm)].map((m) => [m[1]!, m[2]!.replace(/^'|'$/g, '')]));
}

/** The simulator `herald mock <channel>` runs, started here with the defaults of its flags (one process fewer). */
async function mockInProcess(channel: string): Promise<Record<string, string>> {
  const spec = findMock(channel)!;
  const defaults = Object.fromEntries(spec.options.filter((o) => o.defaultValue !== undefined).map((o) => [new Option(o.flags).attributeName(), o.defaultValue]));
  const server = ws.own(await (await spec.load()).start(defaults, () => undefined));
  return { ...server.env };
}

/** Run `sh send.sh ARGS` in the campaign's folder with `herald` on the PATH. */
function sendScript(dir: string, env: Record<string, string>, args: string[]): Promise<{ code: number | null; out: string }> {
  const child = spawn('sh', ['send.sh', ...args], { cwd: dir, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, out })));
}

describe('herald init', () => {
  it('knows every channel', () => {
    expect([...INIT_CHANNELS].sort()).toEqual(CHANNELS.map((spec) => spec.name).sort());
  });

  it('every channel: recipients.csv, a template and send.sh, which dry-runs first, then sends against herald mock', async () => {
    const PATH = pathWithHerald();
    // The channels side by side, each in its own folder with its own simulator.
    const outcomes = await Promise.all(
      INIT_CHANNELS.map(async (channel) => {
        const dir = join(ws.dir, channel);
        mkdirSync(dir);
        // The command itself runs once (below); the files are the same for every channel.
        for (const [name, content] of Object.entries(scaffoldFiles(channel)!)) writeFileSync(join(dir, name), content);
        // One channel through `herald mock` as a user starts it, the others through the same simulators in this process.
        const env = { ...(await (channel === 'email' ? mockProcess(channel) : mockInProcess(channel))), PATH };
        const sent = await sendScript(dir, env, ['--send']);
        return { channel, dir, sent, script: readFileSync(join(dir, 'send.sh'), 'utf8') };
      }),
    );
    for (const { channel, dir, sent, script } of outcomes) {
      expect(script.indexOf('--dry-run\n'), channel).toBeGreaterThan(0);
      expect(script.indexOf('--dry-run\n'), channel).toBeLessThan(script.indexOf('if [ "${1:-}" = "--send" ]'));
      expect(sent.code, `${channel}: ${sent.out}`).toBe(0);
      // The dry run came first, then the real send.
      expect(sent.out.indexOf('herald send --dry-run: nothing sent, no log written'), channel).toBeGreaterThanOrEqual(0);
      expect(sent.out.indexOf('herald send --dry-run'), channel).toBeLessThan(sent.out.indexOf('herald send recipients.csv: done'));
      expect(countStates(join(dir, 'recipients.csv.results.jsonl')), channel).toEqual({ 'sent/ok': 3 });
    }
  });

  it('writes into the current folder, and refuses to overwrite a file that is there: exit 2, naming it, nothing written', async () => {
    const fresh = join(ws.dir, 'fresh');
    mkdirSync(fresh);
    const init = await runHerald(['init', 'twilio'], { cwd: fresh });
    expect(init.code).toBe(0);
    expect(init.stderr).toContain('herald init twilio: wrote recipients.csv, message.txt, send.sh');
    for (const [name, content] of Object.entries(scaffoldFiles('twilio')!)) expect(readFileSync(join(fresh, name), 'utf8')).toBe(content);
    writeFileSync(join(ws.dir, 'recipients.csv'), 'mine\n');
    const result = await runHerald(['init', 'email'], { cwd: ws.dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/recipients\.csv is already in .*: nothing was written/);
    expect(readFileSync(join(ws.dir, 'recipients.csv'), 'utf8')).toBe('mine\n');
    expect(existsSync(join(ws.dir, 'send.sh'))).toBe(false);
    const unknown = await runHerald(['init', 'fax'], { cwd: ws.dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("herald init 'fax': expected one of webhook, email");
  });

  it('a herald linked onto the PATH runs from any folder, as npm link or npm install -g . leave it', () => {
    const PATH = pathWithHerald();
    const elsewhere = join(ws.dir, 'elsewhere');
    mkdirSync(elsewhere);
    const version = spawnSync('herald', ['--version'], { cwd: elsewhere, env: { ...process.env, PATH }, encoding: 'utf8' });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const help = spawnSync('herald', ['init', '--help'], { cwd: elsewhere, env: { ...process.env, PATH }, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Write a small working campaign');
  });
});
