/**
 * The WeChat simulator's state: what the Official Account API checks for a template send (token,
 * quotas, follower, template, data and its keyword rules), its answers in WeChat's format, de-duplication of
 * `client_msg_id` per openid for 10 minutes, injected faults, and counters for tests. The clock is
 * an argument; the HTTP server lives in server.ts.
 */
import type { SimConfig } from './config.js';
import { TokenIssuer, wechatError, type SimAnswer } from './token-issuer.js';
import { seededRandom } from '../seeded-random.js';
import { keywordProblem } from './keyword-rules.js';

/** WeChat sends one message per openid and client_msg_id within this window. */
export const DEDUPE_WINDOW_MS = 10 * 60_000;
const OPENID = /^[A-Za-z0-9_-]{6,64}$/;
/** Longest keyword value accepted (WeChat's limits depend on the keyword type; this is generous). */
const MAX_VALUE_CHARS = 200;

/** What the simulator counted, for tests and `stats()`. */
export interface SimCounters {
  /** Token requests answered (stable_token and cgi-bin/token, errors included). */
  tokenFetches: number;
  /** Token requests refused (wrong credentials, bad request). */
  tokenRefusals: number;
  /** Most token requests in progress at once. */
  maxParallelTokenFetches: number;
  /** Template send calls received. */
  sends: number;
  /** Messages delivered to a follower (duplicates not counted). */
  deliveries: number;
  /** Sends answered with the earlier msgid because openid + client_msg_id was seen within 10 minutes. */
  duplicates: number;
  /** Deliveries today (reset by newDay). */
  deliveredToday: number;
  /** Openids that received more than one message. */
  deliveredTwice: number;
  /** Answers delayed on purpose. */
  delayed: number;
  /** Connections accepted, and most open at once. */
  connections: number;
  maxOpenConnections: number;
  /** Answers to template sends by errcode ("0", "-1", "42001", …). */
  errcodes: Record<string, number>;
}

/** The answer to one send, and how long to hold it back. */
export interface SendAnswer extends SimAnswer {
  readonly delayMs: number;
  /** Why a send was refused, for the simulator's log (WeChat's own errmsg does not say). */
  readonly note?: string;
}


function parseObject(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The state of one simulated Official Account. */
export class WechatSimulator {
  config: SimConfig;
  readonly counters: SimCounters;
  readonly tokens: TokenIssuer;
  readonly #random: () => number;
  readonly #seen = new Map<string, { msgid: number; at: number }>();
  readonly #perOpenid = new Map<string, number>();
  #nextMsgid = 2_000_000_000;
  #minute = -1;
  #minuteCalls = 0;

  constructor(config: SimConfig) {
    this.config = config;
    this.tokens = new TokenIssuer(() => this.config);
    this.#random = seededRandom(config.seed);
    this.counters = {
      tokenFetches: 0,
      tokenRefusals: 0,
      maxParallelTokenFetches: 0,
      sends: 0,
      deliveries: 0,
      duplicates: 0,
      deliveredToday: 0,
      deliveredTwice: 0,
      delayed: 0,
      connections: 0,
      maxOpenConnections: 0,
      errcodes: {},
    };
  }

  /** A new day: the daily quota is available again. */
  newDay(): void {
    this.counters.deliveredToday = 0;
  }

  /** Messages delivered to one openid so far. */
  deliveredTo(openid: string): number {
    return this.#perOpenid.get(openid) ?? 0;
  }

  /** Count a template send answer under its errcode. */
  count(answer: SimAnswer): SimAnswer {
    const code = String(answer.body['errcode'] ?? 0);
    this.counters.errcodes[code] = (this.counters.errcodes[code] ?? 0) + 1;
    return answer;
  }

  /** `POST cgi-bin/message/template/send?access_token=…` with its raw body. */
  send(accessToken: string | null, text: string, now: number): SendAnswer {
    this.counters.sends++;
    const answer = this.#check(accessToken, text, now);
    this.count(answer);
    return answer;
  }

  #check(accessToken: string | null, text: string, now: number): SendAnswer {
    const verdict = this.tokens.use(accessToken, now);
    if (verdict === 41001) return { ...wechatError(41001, 'access_token missing'), delayMs: 0 };
    if (verdict === 40001) return { ...wechatError(40001, 'invalid credential, access_token is invalid or not latest'), delayMs: 0 };
    if (verdict === 42001) return { ...wechatError(42001, 'access_token expired'), delayMs: 0 };
    const refusal = this.#quotaPerMinute(now) ?? this.#validate(text);
    if (refusal !== null) return { delayMs: 0, ...refusal };
    const body = parseObject(text)!;
    const openid = body['touser'] as string;
    const clientMsgId = typeof body['client_msg_id'] === 'string' ? body['client_msg_id'] : null;
    const dedupeKey = clientMsgId === null ? null : `${openid}\u0000${clientMsgId}`;
    const earlier = dedupeKey === null ? undefined : this.#seen.get(dedupeKey);
    if (earlier !== undefined && now - earlier.at < DEDUPE_WINDOW_MS) {
      this.counters.duplicates++;
      return { status: 200, body: { errcode: 0, errmsg: 'ok', msgid: earlier.msgid }, delayMs: 0 };
    }
    if (this.counters.deliveredToday >= this.config.dailyQuota) {
      return { ...wechatError(45009, 'reach max api daily quota limit'), delayMs: 0 };
    }
    if (this.#random() < this.config.failRate) return { ...wechatError(-1, 'system error'), delayMs: 0 };
    const msgid = this.#nextMsgid++;
    this.#deliver(openid, dedupeKey, msgid, now);
    const delayed = this.#random() < this.config.delayRate && this.config.delayMs > 0;
    if (delayed) this.counters.delayed++;
    return { status: 200, body: { errcode: 0, errmsg: 'ok', msgid }, delayMs: delayed ? this.config.delayMs : 0 };
  }

  #quotaPerMinute(now: number): SimAnswer | null {
    const minute = Math.floor(now / 60_000);
    if (minute !== this.#minute) {
      this.#minute = minute;
      this.#minuteCalls = 0;
    }
    this.#minuteCalls++;
    const quota = this.config.minuteQuota;
    return quota > 0 && this.#minuteCalls > quota
      ? wechatError(45011, 'api minute-quota reach limit  mustslower  retry next minute')
      : null;
  }

  #validate(text: string): (SimAnswer & { note?: string }) | null {
    const body = parseObject(text);
    if (body === null) return wechatError(47001, 'data format error');
    const { touser, template_id: templateId, data } = body;
    if (typeof touser !== 'string' || !OPENID.test(touser)) return wechatError(40003, 'invalid openid');
    if (typeof templateId !== 'string' || templateId === '') return wechatError(40037, 'invalid template_id');
    if (this.config.templates.size > 0 && !this.config.templates.has(templateId)) return wechatError(40037, 'invalid template_id');
    if (this.config.unsubscribed.has(touser)) return wechatError(43004, 'require subscribe');
    if (this.config.refused.has(touser)) return wechatError(43101, 'user refuse to accept the msg');
    if (data === null || typeof data !== 'object' || Array.isArray(data)) return wechatError(47003, 'argument invalid! data is empty');
    for (const [name, entry] of Object.entries(data)) {
      const value = (entry as { value?: unknown } | null)?.value;
      const problem =
        typeof value !== 'string' ? 'not text' : [...value].length > MAX_VALUE_CHARS ? `over ${MAX_VALUE_CHARS} characters` : keywordProblem(name, value);
      if (problem !== null) {
        return { ...wechatError(47003, `argument invalid! data.${name}.value invalid`), note: `data.${name}.value ${JSON.stringify(value)}: ${problem}` };
      }
    }
    return null;
  }

  #deliver(openid: string, dedupeKey: string | null, msgid: number, now: number): void {
    this.counters.deliveries++;
    this.counters.deliveredToday++;
    const before = this.#perOpenid.get(openid) ?? 0;
    this.#perOpenid.set(openid, before + 1);
    if (before === 1) this.counters.deliveredTwice++;
    if (dedupeKey === null) return;
    this.#seen.set(dedupeKey, { msgid, at: now });
    if (this.#seen.size % 10_000 === 0) {
      for (const [key, seen] of this.#seen) if (now - seen.at >= DEDUPE_WINDOW_MS) this.#seen.delete(key);
    }
  }
}
