/**
 * A channel's light description, loaded eagerly to build `herald send --help` and defaults:
 * its flags, its defaults, and lazy loaders for the heavy module and its simulator.
 */
import type { ChannelModule } from './channel.js';

/** One command-line flag, in commander's syntax. */
export interface OptionSpec {
  /** e.g. "--sign-name <name>", "--insecure-tls". */
  readonly flags: string;
  readonly description: string;
  /** Collect every occurrence into an array (e.g. --param, --header). */
  readonly repeatable?: boolean;
  readonly defaultValue?: string | boolean | readonly string[];
  /** The value is a file path: stored absolute in the run record, so `herald retry` finds it from anywhere. */
  readonly path?: boolean;
}

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
  readonly description: string;
  readonly options: readonly OptionSpec[];
  /** Command lines shown under "Examples:" in `herald mock <channel> --help` (without `$ `). */
  readonly examples: readonly string[];
  load(): Promise<MockModule>;
}

/** Everything herald knows about a channel before loading it. */
export interface ChannelSpec {
  readonly name: string;
  /** One line for help. */
  readonly summary: string;
  /** Default --to field (null: the channel has no recipient field). */
  readonly defaultTo: string | null;
  /** Default --key field. */
  readonly defaultKey: string;
  /** Default --concurrency, suited to the provider. */
  readonly defaultConcurrency: number;
  /** Channel-specific flags of `herald send`. */
  readonly options: readonly OptionSpec[];
  load(): Promise<ChannelModule>;
  readonly mock?: MockSpec;
}
