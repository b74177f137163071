/**
 * The twilio channel: one Messages API call per row (form POST, HTTP Basic) over one keep-alive
 * pool. Twilio takes no idempotency key, so an unknown outcome is never resent blindly: the
 * account's message list is asked first (reconcile.ts), and a message it does not hold is sent again.
 */
import type { Pool } from 'undici';
import type { Channel, ChannelModule, ChannelSetup, Prepared, ReconcileContext, Reconciliation, SendContext, SendResult, TemplateField } from '../channel.js';
import { answerHeader, exchange } from '../http/exchange.js';
import { networkErrorResult } from '../http/network-error.js';
import { createPool } from '../http/pool.js';
import { unreachableFrom } from '../http/unreachable.js';
import type { RowFields } from '../../input/row.js';
import { pathPrefix } from '../sms/endpoint.js';
import { checkPhone } from '../sms/phone.js';
import { countSegments, type SmsEncoding } from '../sms/segments.js';
import { classifyTwilio, type TwilioError } from './classify.js';
import { RECONCILE_SETTLE_MS, reconcileMessage } from './reconcile.js';
import { readTwilioSettings, type TwilioSettings } from './settings.js';

/** Twilio refuses longer bodies (21617). */
const MAX_BODY_CHARACTERS = 1_600;

/** A prepared Twilio SMS. */
export interface TwilioMessage {
  /** E.164. */
  readonly to: string;
  readonly body: string;
  readonly encoding: SmsEncoding;
  readonly segments: number;
}

function parseJson(text: string): (TwilioError & Record<string, unknown>) | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' ? (value as TwilioError & Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

class TwilioChannel implements Channel<TwilioMessage> {
  readonly name = 'twilio';
  /** Twilio does not de-duplicate: unknown outcomes are reconciled through the message list. */
  readonly dedupeWindowMs = 0;
  readonly reconcileSettleMs = RECONCILE_SETTLE_MS;
  private readonly authorization: string | null;
  private readonly pool: Pool | null;

  constructor(
    private readonly settings: TwilioSettings,
    private readonly toField: string,
    pool: Pool | null,
  ) {
    const credentials = settings.credentials;
    this.authorization =
      credentials === null ? null : `Basic ${Buffer.from(`${credentials.accountSid}:${credentials.authToken}`).toString('base64')}`;
    this.pool = pool;
  }

  templateFields(): readonly TemplateField[] {
    return this.settings.body.fields.map((field) => ({ field, where: `--template ${this.settings.body.name}` }));
  }

  prepare(fields: RowFields): Prepared<TwilioMessage> {
    const raw = fields[this.toField];
    if (raw === undefined) return { ok: false, reason: `row lacks the phone field '${this.toField}' (--to)` };
    const phone = checkPhone(raw, { mainlandByDefault: false });
    if (!phone.ok) return { ok: false, reason: phone.reason };
    const rendered = this.settings.body.render(fields);
    if (!rendered.ok) return { ok: false, reason: rendered.reason };
    if (rendered.text.trim() === '') return { ok: false, reason: `${this.settings.body.name} renders an empty body for this row` };
    const characters = [...rendered.text].length;
    if (characters > MAX_BODY_CHARACTERS) {
      return { ok: false, reason: `the body has ${characters} characters; Twilio takes at most ${MAX_BODY_CHARACTERS}` };
    }
    const { encoding, segments } = countSegments(rendered.text);
    return { ok: true, message: { to: phone.number.e164, body: rendered.text, encoding, segments } };
  }

  private form(message: TwilioMessage): string {
    const form = new URLSearchParams({ To: message.to });
    if (this.settings.messagingServiceSid !== null) form.set('MessagingServiceSid', this.settings.messagingServiceSid);
    if (this.settings.from !== null) form.set('From', this.settings.from);
    form.set('Body', message.body);
    return form.toString();
  }

  private basePath(): string {
    return `${pathPrefix(this.settings.endpoint)}/2010-04-01/Accounts/${encodeURIComponent(this.settings.credentials!.accountSid)}`;
  }

  private connection(): { pool: Pool; authorization: string } {
    if (this.pool === null || this.authorization === null) throw new Error('twilio: sending without credentials (dry run)');
    return { pool: this.pool, authorization: this.authorization };
  }

  async send(message: TwilioMessage, ctx: SendContext): Promise<SendResult> {
    const { pool, authorization } = this.connection();
    try {
      const answer = await exchange(
        pool,
        {
          origin: this.settings.endpoint.origin,
          path: `${this.basePath()}/Messages.json`,
          method: 'POST',
          headers: ['authorization', authorization, 'content-type', 'application/x-www-form-urlencoded', 'accept', 'application/json'],
          body: this.form(message),
        },
        ctx.signal,
      );
      return classifyTwilio(answer.status, parseJson(answer.body), answerHeader(answer, 'retry-after'), Date.now());
    } catch (error) {
      return networkErrorResult(error, this.settings.endpoint.host, ctx.signal.aborted);
    }
  }

  /** Ask Twilio's message list whether the message of a row whose outcome was unknown was accepted. */
  reconcile(message: TwilioMessage, ctx: ReconcileContext): Promise<Reconciliation> {
    const { pool, authorization } = this.connection();
    const origin = this.settings.endpoint.origin;
    const get = async (path: string, signal: AbortSignal) => {
      const answer = await exchange(pool, { origin, path, method: 'GET', headers: ['authorization', authorization, 'accept', 'application/json'] }, signal);
      return { status: answer.status, body: parseJson(answer.body) };
    };
    const scope = {
      get,
      accountPath: this.basePath(),
      prefix: pathPrefix(this.settings.endpoint),
      from: this.settings.from,
      messagingServiceSid: this.settings.messagingServiceSid,
    };
    return reconcileMessage(scope, message, ctx);
  }

  /** Preflight: fetch the account; an endpoint that cannot be reached or wrong credentials stop the run before any row. */
  async verify(signal: AbortSignal): Promise<SendResult | null> {
    const { pool, authorization } = this.connection();
    try {
      const answer = await exchange(
        pool,
        { origin: this.settings.endpoint.origin, path: `${this.basePath()}.json`, method: 'GET', headers: ['authorization', authorization, 'accept', 'application/json'] },
        signal,
      );
      if (answer.status === 200) return null;
      const result = classifyTwilio(answer.status, parseJson(answer.body), undefined, Date.now());
      return result.outcome === 'fatal' ? result : null;
    } catch (error) {
      return unreachableFrom(error, { url: this.settings.endpoint, setting: 'HERALD_TWILIO_ENDPOINT' });
    }
  }

  describe(message: TwilioMessage): string {
    const sender = [
      this.settings.messagingServiceSid === null ? null : `  MessagingServiceSid: ${this.settings.messagingServiceSid}`,
      this.settings.from === null ? null : `  From: ${this.settings.from}`,
    ].filter((line) => line !== null);
    return [
      `Twilio Messages API (${this.settings.endpoint.origin})`,
      `  To: ${message.to}`,
      ...sender,
      '',
      message.body,
      '',
      `(${[...message.body].length} characters, ${message.encoding}, ${message.segments} billed segment${message.segments === 1 ? '' : 's'})`,
    ].join('\n');
  }

  tally(message: TwilioMessage): Readonly<Record<string, number>> {
    return { messages: 1, segments: message.segments };
  }

  close(): Promise<void> {
    return this.pool?.close() ?? Promise.resolve();
  }
}

/** Create the channel for one run (settings checked, pool opened unless --dry-run). */
export function create(setup: ChannelSetup): Promise<Channel> {
  const settings = readTwilioSettings(setup);
  const pool =
    settings.credentials === null || setup.dryRun
      ? null
      : createPool(settings.endpoint.origin, {
          connections: setup.concurrency,
          timeoutMs: setup.timeoutMs,
          insecureTls: setup.options.insecureTls === true,
        });
  return Promise.resolve(new TwilioChannel(settings, setup.toField ?? 'phone', pool) as Channel);
}

/** The module `spec.load()` returns. */
export const twilioModule: ChannelModule = { create };
