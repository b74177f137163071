/**
 * The wechat channel: Official Account template messages (`cgi-bin/message/template/send`) over a
 * keep-alive pool, with one access token shared by the whole run and `client_msg_id` carrying the
 * row's idempotency key, so WeChat sends a resent row once within its 10-minute window.
 */
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'undici';
import type { Channel, ChannelSetup, SendContext, SendResult, TemplateField } from '../channel.js';
import { createPool } from '../http/pool.js';
import { isUnreachableCode, unreachableResult } from '../http/unreachable.js';
import { classifySend, errcodeOf, shortErrmsg, TOKEN_REJECTED } from './errcodes.js';
import { createRenderer, requestBody, templateFieldsOf, type MessageRenderer, type WechatMessage } from './message.js';
import { readSettings, type WechatSettings } from './settings.js';
import { cachedTokenSource } from './token-cache.js';
import { stableTokenSource, type TokenSource } from './token-client.js';
import { TokenKeeper } from './token-keeper.js';
import { postJson } from './wechat-http.js';

/** WeChat sends one message per openid and client_msg_id within 10 minutes. */
export const WECHAT_DEDUPE_MS = 10 * 60_000;
/** Resends stop this much before WeChat's window closes: the first request reached WeChat after it left, the resend may be slow. */
const DEDUPE_SAFETY_MS = 60_000;
/** Attempts verify() makes to get a token when WeChat or the network fails transiently. */
const VERIFY_ATTEMPTS = 3;

/** What WeChat said to one POST: a classified result, or that the access token was refused. */
type PostOutcome =
  | { readonly kind: 'result'; readonly result: SendResult }
  | { readonly kind: 'rejected'; readonly code: string; readonly errmsg: string };

interface Network {
  readonly sendPool: Pool;
  readonly tokenPool: Pool;
  readonly keeper: TokenKeeper;
}

/** A token source that registers every access token it hands out with the run's redactor. */
function registering(source: TokenSource, setup: ChannelSetup): TokenSource {
  return {
    async fetch(rejected, signal) {
      const answer = await source.fetch(rejected, signal);
      if (answer.ok) setup.secrets?.add(answer.token.value);
      return answer;
    },
  };
}

function openNetwork(settings: WechatSettings, setup: ChannelSetup, host: string): Network | null {
  if (setup.dryRun || settings.appid === null || settings.secret === null) return null;
  const sendPool = createPool(settings.origin, { connections: setup.concurrency, timeoutMs: setup.timeoutMs });
  const tokenPool = createPool(settings.origin, { connections: 1, timeoutMs: setup.timeoutMs });
  const now = () => Date.now();
  let source: TokenSource = stableTokenSource({
    pool: tokenPool,
    basePath: settings.basePath,
    host,
    appid: settings.appid,
    secret: settings.secret,
    now,
  });
  if (settings.tokenCache !== null) {
    source = cachedTokenSource({
      path: settings.tokenCache,
      key: `${settings.origin}${settings.basePath} ${settings.appid}`,
      inner: source,
      lockTimeoutMs: setup.timeoutMs,
      now,
      warn: (message) => setup.warn(message),
    });
  }
  // The AppSecret is among the credentials the command layer registers; the tokens only we see.
  setup.secrets?.add(settings.secret);
  const keeper = new TokenKeeper({ source: registering(source, setup), timeoutMs: setup.timeoutMs, now });
  return { sendPool, tokenPool, keeper };
}

/** The wechat channel for one run. */
class WechatChannel implements Channel<WechatMessage> {
  readonly name = 'wechat';
  readonly dedupeWindowMs = WECHAT_DEDUPE_MS - DEDUPE_SAFETY_MS;
  readonly #settings: WechatSettings;
  readonly #render: MessageRenderer;
  readonly #net: Network | null;
  readonly #host: string;
  readonly #sendPath: string;

  constructor(settings: WechatSettings, setup: ChannelSetup) {
    this.#settings = settings;
    this.#render = createRenderer(settings, setup.toField ?? 'openid');
    this.#host = new URL(settings.origin).host;
    this.#sendPath = `${settings.basePath}/cgi-bin/message/template/send`;
    this.#net = openNetwork(settings, setup, this.#host);
  }

  templateFields(): readonly TemplateField[] {
    return templateFieldsOf(this.#settings);
  }

  prepare(fields: Readonly<Record<string, unknown>>) {
    return this.#render(fields);
  }

  async send(message: WechatMessage, ctx: SendContext): Promise<SendResult> {
    const net = this.#net;
    if (net === null) return { outcome: 'fatal', code: null, detail: 'WECHAT_APPID and WECHAT_APPSECRET are needed to send' };
    const body = requestBody(message, ctx.idempotencyKey);
    let token = await net.keeper.get(ctx.signal);
    for (let rejections = 0; token.ok; rejections++) {
      const used = token.token.value;
      const outcome = await this.#post(net, body, used, ctx.signal);
      if (outcome.kind === 'result') return outcome.result;
      // WeChat refused the token, so the message was not sent: send again with the next one.
      token = await net.keeper.rejected(used, outcome.code, outcome.errmsg, ctx.signal);
      if (token.ok && rejections >= 1) {
        return { outcome: 'retryable', code: outcome.code, detail: `WeChat rejected the access token twice (${outcome.code} ${outcome.errmsg})` };
      }
    }
    return token.result;
  }

  async #post(net: Network, body: string, token: string, signal: AbortSignal): Promise<PostOutcome> {
    const path = `${this.#sendPath}?access_token=${encodeURIComponent(token)}`;
    const reply = await postJson(net.sendPool, path, body, signal, this.#host);
    if (!reply.ok) return { kind: 'result', result: reply.result };
    const code = errcodeOf(reply.answer);
    if (TOKEN_REJECTED.has(code)) return { kind: 'rejected', code: String(code), errmsg: shortErrmsg(reply.answer) };
    const result = classifySend(reply.answer, Date.now());
    if (result.outcome === 'ok') net.keeper.proven(token);
    return { kind: 'result', result };
  }

  async verify(signal: AbortSignal): Promise<SendResult | null> {
    const net = this.#net;
    if (net === null) return null;
    let last: SendResult | null = null;
    for (let attempt = 1; attempt <= VERIFY_ATTEMPTS && !signal.aborted; attempt++) {
      const answer = await net.keeper.get(signal);
      if (answer.ok) return null;
      // Nothing listens there, or no such host: say so now, naming the variable, without retrying.
      const code = answer.result.code;
      if (isUnreachableCode(code)) return unreachableResult(code, { url: new URL(this.#settings.origin), setting: 'HERALD_WECHAT_ENDPOINT', insecureTlsFlag: false });
      last = answer.result;
      if (last.outcome === 'fatal') return last;
      if (attempt < VERIFY_ATTEMPTS) await sleep(500 * 2 ** attempt, undefined, { signal }).catch(() => undefined);
    }
    const why = last?.detail ?? 'stopped';
    return {
      outcome: 'fatal',
      code: last?.code ?? null,
      detail: `cannot get an access token from ${this.#host} (${why}): check HERALD_WECHAT_ENDPOINT and the network`,
    };
  }

  describe(message: WechatMessage, idempotencyKey: string): string {
    const target = `${this.#settings.origin}${this.#sendPath}?access_token=ACCESS_TOKEN`;
    return `POST ${target}\n${requestBody(message, idempotencyKey, 2)}`;
  }

  async close(): Promise<void> {
    const net = this.#net;
    if (net === null) return;
    net.keeper.close();
    await Promise.all([net.sendPool.close(), net.tokenPool.close()]);
  }
}

/** Build the channel from the run's settings; throws ConfigError naming a bad setting. */
export function create(setup: ChannelSetup): Promise<Channel> {
  const settings = readSettings(setup.options, setup.env, setup.dryRun, (path) => resolve(setup.cwd, path));
  return Promise.resolve(new WechatChannel(settings, setup));
}
