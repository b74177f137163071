/**
 * A channel's light description, loaded eagerly to build `herald send --help` and defaults:
 * its flags, its defaults, and a lazy loader for the heavy module. Simulators are described
 * apart, in the simulators' own registry: a production channel knows nothing of them.
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
  /**
   * Whether `herald retry` leaves rows whose outcome is unknown (failed/in-doubt) unless told
   * `--in-doubt resend`: the provider can neither be asked whether a message arrived nor counted on
   * to drop a duplicate for good (WeChat). Summaries then count them apart from what a retry sends.
   */
  readonly retryLeavesInDoubt?: boolean;
  /** Channel-specific flags of `herald send`. */
  readonly options: readonly OptionSpec[];
  load(): Promise<ChannelModule>;
}
