/**
 * The input stage on a second thread. Reading, parsing, checking, rendering and keying rows cost
 * the main thread about a fifth of its time in a fast webhook or SMS run (see README
 * "Performance"); where the machine has a second core, a worker thread does that work and hands
 * the main thread the plan in batches, and the main thread only sends and logs. The plan is the
 * same one planRows makes on one thread: same rows, same order, same records.
 *
 * When: a fresh `herald send` of a file (not stdin, not --resume, not --queue, no --suppress, which
 * holds its lists on the main thread) with a channel whose prepared messages are plain data, on a
 * machine with two cores or more, for an input big enough that starting a thread (~40 ms) pays.
 * HERALD_INPUT_THREAD=0 turns it off, =1 on (for any input size) where the run allows it.
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { ConfigError, InputStoppedError, UsageError } from '../errors.js';
import type { OpenInput } from '../input/open-input.js';
import type { LogState } from '../results/log-state.js';
import type { PlannedItem } from '../pipeline/work-item.js';
import type { FromInputThread, InputThreadData, ToInputThread } from './input-thread-messages.js';
import type { RunSettings } from './settings.js';

/** Channels whose prepare() is pure and whose messages survive a structured clone unchanged. */
const THREADED_CHANNELS: ReadonlySet<string> = new Set(['webhook', 'aliyun-sms', 'twilio']);
/** Inputs smaller than this are planned on the main thread (the thread's start would not pay). */
export const INPUT_THREAD_MIN_BYTES = 4 * 1024 * 1024;
/** Batches the input thread may have ready ahead of the send loop. */
const BATCHES_AHEAD = 4;

/** What decides whether a run's input goes to a thread. */
export interface InputThreadChoice {
  readonly given: Readonly<Record<string, unknown>>;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly input: string;
  readonly opened: OpenInput;
  readonly settings: RunSettings;
  readonly prior: LogState | null;
  readonly queued: boolean;
  readonly campaign: string;
}

/** The input thread's start data when this run should use one, else null. */
export function inputThreadFor(choice: InputThreadChoice): InputThreadData | null {
  const { settings, env } = choice;
  const asked = env.HERALD_INPUT_THREAD;
  if (asked === '0' || asked === 'off') return null;
  const possible =
    choice.input !== '-' && choice.prior === null && !choice.queued && settings.polite.suppress.length === 0 && THREADED_CHANNELS.has(settings.spec.name);
  if (!possible) return null;
  const file = statSync(choice.input);
  if (asked !== '1' && asked !== 'on') {
    const testClock = env.HERALD_TEST_NOW !== undefined && env.HERALD_TEST_NOW !== '';
    if (testClock || availableParallelism() < 2 || file.size < INPUT_THREAD_MIN_BYTES) return null;
  }
  return {
    given: choice.given,
    cwd: choice.cwd,
    env: choice.env,
    path: choice.input,
    identity: { dev: file.dev, ino: file.ino },
    format: choice.opened.format,
    encoding: choice.opened.encoding,
    campaign: choice.campaign,
  };
}

/** An error from the thread, as the class it was there (a user's mistake stays one line). */
function errorFrom(name: string, message: string): Error {
  if (name === 'ConfigError') return new ConfigError(message);
  if (name === 'InputStoppedError') return new InputStoppedError(message);
  if (name === 'UsageError') return new UsageError(message);
  return new Error(`input thread: ${message}`);
}

/** The run's plan, made on the input thread; stopping early (return) ends the thread. */
export async function* planInThread<M>(data: InputThreadData): AsyncGenerator<PlannedItem<M>[]> {
  const worker = new Worker(new URL('./input-thread-worker.js', import.meta.url), { workerData: data });
  const arrived: FromInputThread[] = [];
  let failure: Error | null = null;
  let exited = false;
  let wake: (() => void) | null = null;
  const nudge = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (message: FromInputThread) => {
    arrived.push(message);
    nudge();
  });
  worker.on('error', (error) => {
    failure = error;
    nudge();
  });
  worker.on('exit', () => {
    exited = true;
    nudge();
  });
  const ask = (batches: number) => worker.postMessage({ kind: 'more', batches } satisfies ToInputThread);
  ask(BATCHES_AHEAD);
  try {
    for (;;) {
      while (arrived.length === 0) {
        if (failure !== null) throw errorFrom('Error', (failure as Error).message);
        if (exited) throw new Error('input thread: stopped before the end of the input');
        await new Promise<void>((resolve) => (wake = resolve));
      }
      const message = arrived.shift()!;
      if (message.kind === 'done') return;
      if (message.kind === 'error') throw errorFrom(message.name, message.message);
      ask(1);
      yield message.items as PlannedItem<M>[];
    }
  } finally {
    await worker.terminate();
  }
}
