/** The terminal herald talks to: stderr for people, stdout for --json, colour only where it belongs. */
import { Chalk, type ChalkInstance } from 'chalk';

/** Where output goes and how it may look. */
export interface Terminal {
  /** Human output: progress, notices, summaries, warnings, errors. */
  readonly err: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Machine output (--json) and command output such as `herald report`. */
  readonly out: NodeJS.WritableStream & { isTTY?: boolean };
  /** Colours for stderr (no-ops under NO_COLOR or a non-terminal). */
  readonly color: ChalkInstance;
  /** Colours for stdout. */
  readonly outColor: ChalkInstance;
}

/** Whether colour suits a stream: a terminal, NO_COLOR unset, TERM not dumb. */
export function wantsColor(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** The process's terminal. */
export function processTerminal(env: Readonly<Record<string, string | undefined>> = process.env): Terminal {
  return {
    err: process.stderr,
    out: process.stdout,
    color: new Chalk({ level: wantsColor(process.stderr, env) ? 1 : 0 }),
    outColor: new Chalk({ level: wantsColor(process.stdout, env) ? 1 : 0 }),
  };
}

/** Print one warning line on stderr (never silenced by --quiet). */
export function warn(terminal: Terminal, message: string): void {
  terminal.err.write(`${terminal.color.yellow('herald: warning:')} ${message}\n`);
}
