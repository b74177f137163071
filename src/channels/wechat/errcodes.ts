/**
 * What WeChat's `errcode`s mean for herald: one table for template sends, one for token fetches.
 * WeChat answers HTTP 200 with `{"errcode":N,"errmsg":"…"}` for almost every failure.
 */
import type { SendResult } from '../channel.js';

/** errcodes saying the access token used is no good: fetch a new one and send again, once. */
export const TOKEN_REJECTED: ReadonlySet<number> = new Set([40001, 40014, 42001]);

/** This follower cannot receive this message: recorded permanent, never retried. */
const PERMANENT: Readonly<Record<number, string>> = {
  40003: 'not an openid of this Official Account',
  43004: 'the user does not follow the Official Account (unsubscribed)',
  43101: 'the user refused to receive this message',
  45047: 'too many messages to this user without an interaction',
  47001: 'WeChat could not parse the request body',
  47003: 'a --data value breaks the template keyword rules (length, characters or format)',
};

/** Nothing more can succeed until the user changes a setting: the run stops. */
const FATAL: Readonly<Record<number, string>> = {
  40013: 'WeChat does not know this AppID: check WECHAT_APPID',
  40125: 'WeChat rejected the AppSecret: check WECHAT_APPSECRET',
  41002: 'the AppID is missing: check WECHAT_APPID',
  41004: 'the AppSecret is missing: check WECHAT_APPSECRET',
  40036: 'the template ID is not valid: check --template-id',
  40037: 'this Official Account has no such template: check --template-id (copy it from My Templates in the console)',
  41001: 'the access token did not reach WeChat: check HERALD_WECHAT_ENDPOINT (a proxy may drop the query string)',
  43002: 'WeChat wants POST: check HERALD_WECHAT_ENDPOINT (a proxy may rewrite the method)',
  43003: 'WeChat wants https: check HERALD_WECHAT_ENDPOINT',
  48001: 'this Official Account may not send template messages: check that WECHAT_APPID is a verified service account with the template message feature enabled',
  40164: "this machine's IP address is not in the Official Account's IP whitelist: add it under Settings and Development > Basic Configuration",
  89501: 'calls from this IP address await the administrator: ask the Official Account administrator to confirm it, or add it to the IP whitelist',
  89503: 'calls from this IP address need the administrator: ask the Official Account administrator to confirm it, or add it to the IP whitelist',
  89506: 'the administrator refused this IP address twice in 24 hours: add it to the IP whitelist',
  89507: 'the administrator refused this IP address within the hour: add it to the IP whitelist',
};

/** A WeChat answer body, as far as herald reads it. */
export interface WechatAnswer {
  readonly errcode?: unknown;
  readonly errmsg?: unknown;
  readonly msgid?: unknown;
  readonly access_token?: unknown;
  readonly expires_in?: unknown;
}

/** errmsg without WeChat's request id suffix (" rid: …", " hint: […]"). */
export function shortErrmsg(answer: WechatAnswer): string {
  const text = typeof answer.errmsg === 'string' ? answer.errmsg : '';
  return text.replace(/\s*(rid|hint):.*$/s, '').trim() || 'no errmsg';
}

/** The errcode as a number; a missing errcode means success (token answers carry none). */
export function errcodeOf(answer: WechatAnswer): number {
  return typeof answer.errcode === 'number' ? answer.errcode : 0;
}

/** Milliseconds until the start of the next minute, when 45011 says to retry. */
export function msToNextMinute(nowMs: number): number {
  return 60_000 - (nowMs % 60_000) + 250;
}

/** Classification shared by both APIs for the codes that mean the same everywhere. */
function common(code: number, answer: WechatAnswer, nowMs: number): SendResult | null {
  const what = `${code} ${shortErrmsg(answer)}`;
  if (code === -1) return { outcome: 'retryable', code: String(code), detail: `WeChat is busy (${what})` };
  if (code === 45011) {
    return {
      outcome: 'throttled',
      code: String(code),
      detail: `WeChat's per-minute API quota is reached (${what})`,
      retryAfterMs: msToNextMinute(nowMs),
      scope: 'channel',
    };
  }
  const fatal = FATAL[code];
  if (fatal !== undefined) return { outcome: 'fatal', code: String(code), detail: `${fatal} (${what})` };
  return null;
}

/** Classify a template-send answer whose errcode is not a token rejection. */
export function classifySend(answer: WechatAnswer, nowMs: number): SendResult {
  const code = errcodeOf(answer);
  if (code === 0) {
    const msgid = answer.msgid;
    const messageId = typeof msgid === 'number' || typeof msgid === 'string' ? String(msgid) : undefined;
    return messageId === undefined ? { outcome: 'ok', code: '0' } : { outcome: 'ok', code: '0', messageId };
  }
  if (code === 45009) {
    return {
      outcome: 'fatal',
      code: '45009',
      detail:
        "WeChat's daily quota of template messages for this Official Account is used up (45009): the rows not sent are kept; run the same command with --resume tomorrow",
    };
  }
  const shared = common(code, answer, nowMs);
  if (shared !== null) return shared;
  const permanent = PERMANENT[code];
  const what = `${code} ${shortErrmsg(answer)}`;
  if (permanent !== undefined) return { outcome: 'permanent', code: String(code), detail: `${permanent} (${what})` };
  return { outcome: 'permanent', code: String(code), detail: `WeChat refused the message (${what})` };
}

/** Classify a failed token fetch (stable_token). */
export function classifyTokenError(answer: WechatAnswer, nowMs: number): SendResult {
  const code = errcodeOf(answer);
  const what = `${code} ${shortErrmsg(answer)}`;
  if (code === 40001) {
    return { outcome: 'fatal', code: '40001', detail: `WeChat rejected the AppSecret: check WECHAT_APPSECRET (${what})` };
  }
  if (code === 45009) {
    return {
      outcome: 'fatal',
      code: '45009',
      detail: `WeChat's daily quota of access token requests for WECHAT_APPID is used up (${what}): try again tomorrow`,
    };
  }
  const shared = common(code, answer, nowMs);
  if (shared !== null) return shared;
  return { outcome: 'fatal', code: String(code), detail: `WeChat refused an access token (${what}): check WECHAT_APPID and WECHAT_APPSECRET` };
}

/** The fatal result when WeChat rejects a token herald has just fetched because the last one was rejected. */
export function repeatedRejection(code: string, errmsg: string): SendResult {
  return {
    outcome: 'fatal',
    code,
    detail:
      `WeChat rejected a freshly fetched access token too (${code} ${errmsg}): another system may be refreshing the ` +
      'access token of WECHAT_APPID (stable_token with force_refresh), or WECHAT_APPSECRET was reset; stop the other refresher or check WECHAT_APPSECRET',
  };
}
