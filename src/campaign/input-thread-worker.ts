/**
 * The input thread's own side (a worker_threads entry): reads and parses the input, checks,
 * renders and keys each row exactly as `herald send` does on one thread (openInput → planRows with
 * a channel built from the same settings), and hands the plan to the main thread in batches. It
 * reads ahead only as far as the main thread has asked for (credits), so memory stays bounded
 * whatever the input's size. See input-thread.ts for when a run uses it.
 */
import { statSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { PassThrough } from 'node:stream';
import { openInput } from '../input/open-input.js';
import { clockFromEnv } from '../pacing/clock.js';
import { planRows } from '../pipeline/plan-rows.js';
import { PLAIN, type Terminal } from '../ui/terminal.js';
import { createChannel } from './channel-factory.js';
import type { InputThreadData, FromInputThread, ToInputThread } from './input-thread-messages.js';
import { politeRules } from './polite-run.js';
import { resolveSettings } from './settings.js';

/** A terminal that says nothing: the main thread has already said what there was to say. */
function silentTerminal(): Terminal {
  const sink = new PassThrough();
  sink.resume();
  return { err: sink, out: sink, color: PLAIN, outColor: PLAIN };
}

async function main(port: NonNullable<typeof parentPort>, data: InputThreadData): Promise<void> {
  let credits = 0;
  let wake: (() => void) | null = null;
  port.on('message', (message: ToInputThread) => {
    if (message.kind === 'more') {
      credits += message.batches;
      wake?.();
      wake = null;
    }
  });
  const post = (message: FromInputThread) => port.postMessage(message);
  try {
    const settings = resolveSettings(data.given, data.cwd);
    // Rendering only (no pools, no credentials asked): the main thread's channel sends.
    const channel = await createChannel({ ...settings, dryRun: true }, data.env, silentTerminal());
    try {
      const file = statSync(data.path);
      if (file.dev !== data.identity.dev || file.ino !== data.identity.ino) {
        post({ kind: 'error', name: 'ConfigError', message: `${data.path} was replaced while herald opened it: run again` });
        return;
      }
      const opened = await openInput({ path: data.path, format: data.format, encoding: data.encoding });
      try {
        const rules = await politeRules(settings);
        const plan = planRows(opened.batches, {
          keyField: settings.keyField,
          channel,
          campaign: data.campaign,
          prior: null,
          inDoubt: settings.inDoubt,
          limit: settings.limit,
          rules,
          now: clockFromEnv(data.env).now,
        });
        for await (const batch of plan) {
          while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
          credits--;
          post({ kind: 'batch', items: batch });
        }
      } finally {
        await opened.close();
      }
    } finally {
      await channel.close().catch(() => undefined);
    }
    post({ kind: 'done' });
  } catch (error) {
    const err = error as Error & { code?: unknown };
    post({ kind: 'error', name: err.name ?? 'Error', message: err.message ?? String(error) });
  } finally {
    port.close();
  }
}

if (parentPort) await main(parentPort, workerData as InputThreadData);
