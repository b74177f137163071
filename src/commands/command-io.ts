/** What a command may touch of the outside world; tests pass their own. */
import type { Terminal } from '../ui/terminal.js';

/** The world of one command invocation. */
export interface CommandIO {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly terminal: Terminal;
  /** The arguments herald was started with (after `herald`), to print a resume command. */
  readonly argv: readonly string[];
  /** Where SIGINT/SIGTERM arrive. */
  readonly signals: NodeJS.EventEmitter;
  /** Leave as soon as output has drained, with this status (a second Ctrl-C). */
  exit(code: number): void;
}
