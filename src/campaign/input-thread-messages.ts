/** What the main thread and the input thread tell each other (structured-cloned data only). */
import type { EncodingOption } from '../input/encoding.js';
import type { InputFormat } from '../input/format.js';
import type { PlannedItem } from '../pipeline/work-item.js';

/** What the input thread is started with. */
export interface InputThreadData {
  /** The raw flags of `herald send` (resolved again there into the same settings). */
  readonly given: Readonly<Record<string, unknown>>;
  readonly cwd: string;
  /** The run's environment (with --env-file's variables): rendering may need a header's ${VAR}. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The input file, as the main thread opened it. */
  readonly path: string;
  readonly identity: { readonly dev: number; readonly ino: number };
  readonly format: InputFormat;
  readonly encoding: EncodingOption;
  readonly campaign: string;
}

/** Main → input thread: room for this many more batches. */
export type ToInputThread = { readonly kind: 'more'; readonly batches: number };

/** Input thread → main: a batch of the plan, the end, or why it stopped. */
export type FromInputThread =
  | { readonly kind: 'batch'; readonly items: PlannedItem<unknown>[] }
  | { readonly kind: 'done' }
  | { readonly kind: 'error'; readonly name: string; readonly message: string };
