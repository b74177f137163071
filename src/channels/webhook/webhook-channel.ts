/** The webhook channel: one HTTP request per row over an undici keep-alive agent, with Idempotency-Key. */
import type { Agent } from 'undici';
import type { RowFields } from '../../input/row.js';
import { DEDUPE_FOREVER, type Channel, type Prepared, type SendContext, type SendResult, type TemplateField } from '../channel.js';
import { answerHeader, exchange } from '../http/exchange.js';
import { unreachableFrom, type EndpointTarget } from '../http/unreachable.js';
import type { WarmConnector } from '../http/warm-connector.js';
import { networkErrorResult } from '../http/network-error.js';
import { classifyAnswer, messageIdFrom } from './classify.js';
import type { RequestTemplate, WebhookRequest } from './request-template.js';

/** The preflight: the --url's origin, and the connector whose first connection it opens. */
export interface WebhookPreflight {
  readonly target: EndpointTarget;
  readonly connector: WarmConnector;
}

/** Longest part of an answer's body quoted in a message. */
const BODY_KEEP_CHARS = 4096;

/** The host (and port) of an origin for messages; the origin as it is when a value made it unparsable. */
function hostOf(origin: string): string {
  try {
    return new URL(origin).host;
  } catch {
    return origin.replace(/^https?:\/\//i, '');
  }
}

/** Sends rendered requests and classifies the answers. */
export class WebhookChannel implements Channel<WebhookRequest> {
  readonly name = 'webhook';
  /** Receivers that honour Idempotency-Key de-duplicate resends for good. */
  readonly dedupeWindowMs = DEDUPE_FOREVER;

  constructor(
    private readonly template: RequestTemplate,
    private readonly agent: Agent,
    /** Null when a placeholder picks the host: there is no one origin to check. */
    private readonly preflight: WebhookPreflight | null = null,
  ) {}

  /**
   * Preflight: connect to the --url's origin (no request is sent); a receiver nobody listens on,
   * an unknown host or an untrusted certificate stops the run before any row. The connection
   * then carries the first send.
   */
  async verify(signal: AbortSignal): Promise<SendResult | null> {
    if (this.preflight === null) return null;
    const error = await this.preflight.connector.warmUp(this.preflight.target.url, signal);
    return error === null ? null : unreachableFrom(error, this.preflight.target);
  }

  templateFields(): TemplateField[] {
    return this.template.templateFields();
  }

  prepare(fields: RowFields): Prepared<WebhookRequest> {
    return this.template.render(fields);
  }

  async send(request: WebhookRequest, ctx: SendContext): Promise<SendResult> {
    try {
      const answer = await exchange(
        this.agent,
        { origin: request.origin, path: request.path, method: request.method as 'POST', headers: [...request.headers, 'idempotency-key', ctx.idempotencyKey], ...(request.body !== undefined ? { body: request.body } : {}) },
        ctx.signal,
      );
      if (answer.status >= 200 && answer.status < 300) {
        const messageId = messageIdFrom(answer.body);
        return messageId === undefined ? { outcome: 'ok', code: String(answer.status) } : { outcome: 'ok', code: String(answer.status), messageId };
      }
      const target = this.template.displayTarget(request);
      return classifyAnswer({ status: answer.status, retryAfter: answerHeader(answer, 'retry-after'), bodySnippet: answer.body.slice(0, BODY_KEEP_CHARS), target }, Date.now());
    } catch (error) {
      return networkErrorResult(error, hostOf(request.origin), ctx.signal.aborted);
    }
  }

  describe(request: WebhookRequest, idempotencyKey: string): string {
    const url = this.template.urlHasSecrets ? `${this.template.shownUrl}   (as typed: it refers to environment variables)` : request.origin + request.path;
    const lines = [`${request.method} ${url}`];
    const shown = this.template.shownHeaders();
    for (let i = 0; i < request.headers.length; i += 2) {
      const name = request.headers[i]!;
      const typed = shown.find((h) => h.toLowerCase().startsWith(`${name.toLowerCase()}:`));
      lines.push(typed !== undefined && typed.includes('${') ? typed : `${name}: ${request.headers[i + 1]}`);
    }
    lines.push(`Idempotency-Key: ${idempotencyKey}`);
    if (request.body !== undefined) lines.push('', request.body);
    return lines.join('\n');
  }

  async close(): Promise<void> {
    this.preflight?.connector.close();
    await this.agent.close();
  }
}
