/**
 * The aliyun-sms channel: SendSms (or SendBatchSms with --batch) signed with signature v1.0 over
 * one keep-alive pool, answers classified by their Code, unknown outcomes reconciled through
 * QuerySendDetails before anything is sent twice.
 */
import { createHash } from 'node:crypto';
import type { Channel, ChannelModule, ChannelSetup, SendContext, SendResult, TemplateField } from '../channel.js';
import { networkErrorResult } from '../http/network-error.js';
import { unreachableFrom } from '../http/unreachable.js';
import { classifyAnswer } from './classify.js';
import { describeMessage, messageBuilder, type AliyunMessage } from './message.js';
import { BATCH_OUT_ID_PREFIX, chinaDate, RECONCILE_SETTLE_MS, reconcileMessage } from './reconcile.js';
import { AliyunRpcClient } from './rpc-client.js';
import { readAliyunSettings, type AliyunSettings } from './settings.js';

/** One row of a batch as the engine gives it. */
type BatchItem = { readonly message: AliyunMessage; readonly ctx: SendContext };

/** A per-recipient answer to a whole batch: Aliyun does not say which number caused it. */
function concernsOneNumber(result: SendResult): boolean {
  return result.outcome === 'permanent' || (result.outcome === 'throttled' && result.scope === 'recipient');
}

/** One OutId for a SendBatchSms call, derived from its rows' keys. */
function batchOutId(items: readonly BatchItem[]): string {
  const hash = createHash('sha256');
  for (const item of items) hash.update(item.ctx.idempotencyKey).update('\n');
  return BATCH_OUT_ID_PREFIX + hash.digest('hex').slice(0, 32);
}

/** QuerySendDetails parameters for the preflight: a fixed number, today (China time). */
function verifyQuery(now: Date): Record<string, string> {
  return { PhoneNumber: VERIFY_NUMBER, SendDate: chinaDate(now), PageSize: '1', CurrentPage: '1' };
}

/** Any valid mainland number: the preflight only needs Aliyun to check the signature. */
const VERIFY_NUMBER = '13800138000';

class AliyunSmsChannel implements Channel<AliyunMessage> {
  readonly name = 'aliyun-sms';
  /** Aliyun does not de-duplicate: an unknown outcome is reconciled, never blindly resent. */
  readonly dedupeWindowMs = 0;
  readonly reconcileSettleMs = RECONCILE_SETTLE_MS;
  readonly maxBatch: number;
  readonly prepare: Channel<AliyunMessage>['prepare'];
  /** Rows of batch calls whose outcome was unknown, so reconcile() can look for that batch's OutId. */
  private readonly batchOutIds = new Map<string, string>();

  constructor(
    private readonly settings: AliyunSettings,
    private readonly client: AliyunRpcClient | null,
    toField: string,
    private readonly warn: (line: string) => void,
  ) {
    this.maxBatch = settings.batch;
    this.prepare = messageBuilder(settings, toField);
  }

  templateFields(): readonly TemplateField[] {
    return this.settings.params.map((p) => ({ field: p.field, where: `--param ${p.name}` }));
  }

  private rpc(): AliyunRpcClient {
    if (this.client === null) throw new Error('aliyun-sms: sending without credentials (dry run)');
    return this.client;
  }

  async send(message: AliyunMessage, ctx: SendContext): Promise<SendResult> {
    const client = this.rpc();
    const params: Record<string, string> = {
      PhoneNumbers: message.phone,
      SignName: this.settings.signName,
      TemplateCode: this.settings.templateCode,
      OutId: ctx.idempotencyKey,
    };
    if (message.templateParam !== null) params.TemplateParam = message.templateParam;
    try {
      const answer = await client.call('SendSms', params, ctx.signal);
      return classifyAnswer(answer.status, answer.body);
    } catch (error) {
      return networkErrorResult(error, client.host, ctx.signal.aborted);
    }
  }

  async sendBatch(batch: readonly BatchItem[], signal: AbortSignal): Promise<SendResult[]> {
    if (batch.length === 1) return [await this.send(batch[0]!.message, { ...batch[0]!.ctx, signal })];
    const client = this.rpc();
    const outId = batchOutId(batch);
    const params: Record<string, string> = {
      PhoneNumberJson: JSON.stringify(batch.map((item) => item.message.phone)),
      SignNameJson: JSON.stringify(batch.map(() => this.settings.signName)),
      TemplateCode: this.settings.templateCode,
      OutId: outId,
    };
    if (this.settings.params.length > 0) {
      params.TemplateParamJson = JSON.stringify(batch.map((item) => item.message.params));
    }
    let result: SendResult;
    try {
      const answer = await client.call('SendBatchSms', params, signal);
      result = classifyAnswer(answer.status, answer.body);
    } catch (error) {
      result = networkErrorResult(error, client.host, signal.aborted);
    }
    if (result.unknown === true) for (const item of batch) this.batchOutIds.set(item.ctx.idempotencyKey, outId);
    // Nothing of the batch was sent: find the number it concerns by sending each row on its own.
    if (concernsOneNumber(result)) return this.sendEach(batch, signal);
    return batch.map(() => result);
  }

  private async sendEach(batch: readonly BatchItem[], signal: AbortSignal): Promise<SendResult[]> {
    const results: SendResult[] = [];
    for (const item of batch) {
      if (signal.aborted) {
        results.push({ outcome: 'retryable', code: 'TIMEOUT', detail: 'not sent: the batch ran out of time' });
      } else {
        results.push(await this.send(item.message, { ...item.ctx, signal }));
      }
    }
    return results;
  }

  /**
   * Preflight with a harmless QuerySendDetails: an endpoint that cannot be reached, a wrong key or
   * clock stops the run before any row; a key that may send but not query is only a warning
   * (unknown outcomes then stay in doubt).
   */
  async verify(signal: AbortSignal): Promise<SendResult | null> {
    const client = this.rpc();
    let result: SendResult;
    try {
      const answer = await client.call('QuerySendDetails', verifyQuery(new Date()), signal);
      result = classifyAnswer(answer.status, answer.body);
    } catch (error) {
      return unreachableFrom(error, { url: this.settings.endpoint, setting: 'HERALD_ALIYUN_ENDPOINT' });
    }
    if (result.outcome !== 'fatal') return null;
    if (result.code === 'isp.RAM_PERMISSION_DENY' || result.code === 'Forbidden.RAM') {
      this.warn('this AccessKey may not call QuerySendDetails: sends whose outcome is unknown will end in-doubt instead of being checked');
      return null;
    }
    return result;
  }

  reconcile: NonNullable<Channel<AliyunMessage>['reconcile']> = (message, ctx) =>
    reconcileMessage(
      { client: this.rpc(), templateCode: this.settings.templateCode, batchOutIds: this.batchOutIds },
      message,
      ctx,
      new Date(),
    );

  describe(message: AliyunMessage, idempotencyKey: string): string {
    return describeMessage(this.settings, message, idempotencyKey);
  }

  tally(message: AliyunMessage): Readonly<Record<string, number>> {
    return message.segments === null ? { messages: 1 } : { messages: 1, segments: message.segments };
  }

  close(): Promise<void> {
    return this.client?.close() ?? Promise.resolve();
  }
}

/** Create the channel for one run (settings checked, pool opened unless --dry-run). */
export function create(setup: ChannelSetup): Promise<Channel> {
  const settings = readAliyunSettings(setup);
  const client =
    settings.credentials === null || setup.dryRun
      ? null
      : new AliyunRpcClient(settings.endpoint, settings.credentials, {
          connections: setup.concurrency,
          timeoutMs: setup.timeoutMs,
          insecureTls: setup.options.insecureTls === true,
        });
  const warn = (line: string): void => setup.warn(line);
  return Promise.resolve(new AliyunSmsChannel(settings, client, setup.toField ?? 'phone', warn) as Channel);
}

/** The module `spec.load()` returns. */
export const aliyunSmsModule: ChannelModule = { create };
