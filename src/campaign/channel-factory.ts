/** Loads and creates the channel a run's settings name. */
import type { Channel, ChannelSetup } from '../channels/channel.js';
import { warn, type Terminal } from '../ui/terminal.js';
import type { RunSettings } from './settings.js';

/** Create the configured channel (throws ConfigError naming the setting to fix). */
export async function createChannel(
  settings: RunSettings,
  env: Readonly<Record<string, string | undefined>>,
  terminal: Terminal,
): Promise<Channel> {
  const module = await settings.spec.load();
  const setup: ChannelSetup = {
    options: settings.raw,
    env,
    toField: settings.toField,
    concurrency: settings.concurrency,
    timeoutMs: settings.timeoutMs,
    cwd: settings.cwd,
    dryRun: settings.dryRun,
    warn: (message) => warn(terminal, message),
  };
  return module.create(setup);
}
