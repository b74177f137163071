/** Shared pieces of the email tests: a ChannelSetup, template folders, a simulator, a bounded sender. */
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import type { Channel, ChannelSetup, SendResult } from '../../../src/channels/channel.js';
import type { RowFields } from '../../../src/input/row.js';
import { create } from '../../../src/channels/email/email-channel.js';
import type { EmailMessage } from '../../../src/channels/email/message-template.js';
import { start, type EmailSimulator } from '../../../src/mock/email/simulator.js';
import { testSetup } from '../../helpers/channel-setup.js';

/** A temporary folder holding the given files (path -> content); removed by `cleanup()`. */
export function folderWith(files: Readonly<Record<string, string | Buffer>>): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'herald-email-'));
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A ChannelSetup for the email channel; warnings are collected in `warnings`. */
export function emailSetup(
  cwd: string,
  options: Readonly<Record<string, unknown>>,
  env: Readonly<Record<string, string | undefined>> = {},
  extra: Partial<ChannelSetup> = {},
): ChannelSetup & { warnings: string[] } {
  return testSetup({ toField: 'email', concurrency: 5, timeoutMs: 10_000, cwd }, env, options, extra);
}

/** Create the email channel (typed with its message). */
export async function emailChannel(setup: ChannelSetup): Promise<Channel<EmailMessage>> {
  return (await create(setup)) as Channel<EmailMessage>;
}

/** Start a simulator with the given options; logs are kept in `lines`. */
export async function simulator(options: Readonly<Record<string, unknown>> = {}): Promise<EmailSimulator & { lines: string[] }> {
  const lines: string[] = [];
  const server = await start(options, (line) => lines.push(line));
  return Object.assign(server, { lines });
}

/** Prepare a row or fail the test with the reason. */
export function prepared(channel: Channel<EmailMessage>, fields: RowFields): EmailMessage {
  const result = channel.prepare(fields);
  if (!result.ok) throw new Error(`row invalid: ${result.reason}`);
  return result.message;
}

/** One attempt for a row, with the idempotency key `key-<n>` and a 10 s deadline. */
export function sendOnce(channel: Channel<EmailMessage>, message: EmailMessage, key: string, attempt = 1): Promise<SendResult> {
  return channel.send(message, { attempt, key, idempotencyKey: key, signal: AbortSignal.timeout(10_000) });
}

/** Send every message with at most `concurrency` in flight; results in input order. */
export async function sendAll(
  channel: Channel<EmailMessage>,
  messages: readonly { message: EmailMessage; key: string }[],
  concurrency: number,
): Promise<SendResult[]> {
  const results: SendResult[] = new Array(messages.length);
  let next = 0;
  const worker = async () => {
    while (next < messages.length) {
      const index = next++;
      const item = messages[index]!;
      results[index] = await sendOnce(channel, item.message, item.key);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/** Parse a saved .eml file. */
export function parseEml(file: string): Promise<ParsedMail> {
  return simpleParser(readFileSync(file));
}
