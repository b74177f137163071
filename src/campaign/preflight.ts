/** The channel's preflight (credentials, connectivity) before the first send. */
import type { Channel } from '../channels/channel.js';
import { FatalSendError } from '../errors.js';
import { warn, type Terminal } from '../ui/terminal.js';
import type { RunSettings } from './settings.js';

/**
 * Run `channel.verify` if it has one: a fatal answer stops the run before any row is sent (exit 1),
 * after `onFatal` (which prints the --json summary of a run that sent nothing).
 */
export async function preflight(channel: Channel, settings: RunSettings, terminal: Terminal, onFatal: (detail: string) => void): Promise<void> {
  if (!channel.verify) return;
  const result = await channel.verify(AbortSignal.timeout(Math.max(settings.timeoutMs, 5000)));
  if (!result || result.outcome === 'ok') return;
  const detail = result.detail ?? `the provider answered ${result.code ?? 'with an error'}`;
  if (result.outcome === 'fatal') {
    onFatal(detail);
    throw new FatalSendError(`stopped before sending anything: ${detail}`);
  }
  warn(terminal, `preflight check failed, sending anyway: ${detail}`);
}
