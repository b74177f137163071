/** A ChannelSetup as the engine builds one, for tests that create a channel directly; warnings and secrets are collected. */
import type { ChannelSetup } from '../../src/channels/channel.js';
import { Secrets } from '../../src/channels/secrets.js';

/** The channel's own defaults (recipient field, concurrency, timeout), the environment, its options, then overrides. */
export function testSetup(
  defaults: Pick<ChannelSetup, 'toField' | 'concurrency' | 'timeoutMs'> & Partial<ChannelSetup>,
  env: Readonly<Record<string, string | undefined>>,
  options: Readonly<Record<string, unknown>>,
  overrides: Partial<ChannelSetup> = {},
): ChannelSetup & { warnings: string[]; secrets: Secrets } {
  const warnings: string[] = [];
  return {
    options,
    env,
    cwd: process.cwd(),
    dryRun: false,
    secrets: new Secrets(),
    warn: (line: string) => warnings.push(line),
    ...defaults,
    ...overrides,
    warnings,
  };
}
