/**
 * Loads and creates the channel a run's settings name, seen through the run's redactor: the one
 * place every channel's output passes, so that no secret of the run reaches the terminal, the
 * result log or --json (see `channels/secrets.ts` for the rule).
 */
import type { Channel, ChannelSetup } from '../channels/channel.js';
import { addKnownCredentials } from '../channels/known-credentials.js';
import { redacting } from '../channels/redacting-channel.js';
import { Secrets } from '../channels/secrets.js';
import { warn, type Terminal } from '../ui/terminal.js';
import type { RunSettings } from './settings.js';

/** Create the configured channel (throws ConfigError naming the setting to fix); everything it says is redacted. */
export async function createChannel(
  settings: RunSettings,
  env: Readonly<Record<string, string | undefined>>,
  terminal: Terminal,
): Promise<Channel> {
  const module = await settings.spec.load();
  const secrets = new Secrets();
  addKnownCredentials(secrets, env);
  const setup: ChannelSetup = {
    options: settings.raw,
    env,
    toField: settings.toField,
    concurrency: settings.concurrency,
    timeoutMs: settings.timeoutMs,
    cwd: settings.cwd,
    dryRun: settings.dryRun,
    secrets,
    warn: (message) => warn(terminal, secrets.redact(message)),
  };
  let channel: Channel;
  try {
    channel = await module.create(setup);
  } catch (error) {
    if (error instanceof Error) error.message = secrets.redact(error.message);
    throw error;
  }
  return redacting(channel, secrets);
}
