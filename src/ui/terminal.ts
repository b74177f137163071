/** The terminal herald talks to: stderr for people, stdout for --json, colour only where it belongs. */

/** The styles herald uses; identity functions when colour is off. */
export interface Paint {
  bold(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

/** No colour: NO_COLOR, a pipe or a file. */
export const PLAIN: Paint = { bold: (t) => t, red: (t) => t, green: (t) => t, yellow: (t) => t, cyan: (t) => t };

/** Where output goes and how it may look. */
export interface Terminal {
  /** Human output: progress, notices, summaries, warnings, errors. */
  readonly err: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  /** Machine output (--json) and command output such as `herald report`. */
  readonly out: NodeJS.WritableStream & { isTTY?: boolean };
  /** Colours for stderr (no-ops under NO_COLOR or a non-terminal). */
  readonly color: Paint;
  /** Colours for stdout. */
  readonly outColor: Paint;
}

/**
 * Whether colour suits a stream: a terminal, NO_COLOR unset, TERM not dumb, FORCE_COLOR not 0. A
 * pipe or a file never gets colour, FORCE_COLOR or not (the contract: non-terminals get none; test
 * runners set FORCE_COLOR for their children).
 */
export function wantsColor(stream: { isTTY?: boolean }, env: Readonly<Record<string, string | undefined>>): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR === '0') return false;
  return stream.isTTY === true && env.TERM !== 'dumb';
}

/** The process's terminal; chalk is loaded only when a stream gets colour. */
export async function processTerminal(env: Readonly<Record<string, string | undefined>> = process.env): Promise<Terminal> {
  const errColor = wantsColor(process.stderr, env);
  const outColor = wantsColor(process.stdout, env);
  const chalk = errColor || outColor ? new (await import('chalk')).Chalk({ level: 1 }) : null;
  return { err: process.stderr, out: process.stdout, color: errColor && chalk ? chalk : PLAIN, outColor: outColor && chalk ? chalk : PLAIN };
}

/** Print one warning line on stderr (never silenced by --quiet). */
export function warn(terminal: Terminal, message: string): void {
  terminal.err.write(`${terminal.color.yellow('herald: warning:')} ${message}\n`);
}
