/**
 * What herald knows about a simulator before loading it (`herald mock <channel>`, `herald demo`):
 * its description, flags and examples for help, and a lazy loader for the server itself.
 */
import type { OptionSpec } from '../channels/spec.js';

/** A running simulator started by `herald mock <channel>` or `herald demo`. */
export interface MockServer {
  /** Base URL it listens on (http://127.0.0.1:PORT or smtp://127.0.0.1:PORT). */
  readonly url: string;
  /** Environment variables that point herald at it (printed as `export K=V`). */
  readonly env: Readonly<Record<string, string>>;
  /** One paragraph of counters for humans (received, duplicates, injected faults…). */
  stats(): string;
  close(): Promise<void>;
}

/** A simulator's module, loaded lazily. */
export interface MockModule {
  /** Start listening on 127.0.0.1; `log` prints one line per notable event when verbose. */
  start(options: Readonly<Record<string, unknown>>, log: (line: string) => void): Promise<MockServer>;
}

/** The simulator of a channel's provider. */
export interface MockSpec {
  /** The --channel name it stands in for (`herald mock <channel>`). */
  readonly channel: string;
  readonly description: string;
  readonly options: readonly OptionSpec[];
  /** Command lines shown under "Examples:" in `herald mock <channel> --help` (without `$ `). */
  readonly examples: readonly string[];
  load(): Promise<MockModule>;
}
