// What each WeChat errcode means for herald (issue 5, PROVIDERS.md section G).
import { describe, expect, it } from 'vitest';
import { classifySend, classifyTokenError, msToNextMinute, shortErrmsg, TOKEN_REJECTED } from '../../../src/channels/wechat/errcodes.js';

const NOW = Date.UTC(2025, 0, 1, 8, 0, 45); // 45 s into a minute

describe('wechat errcodes', () => {
  // Each row: errcode, expected outcome, words the detail must hold (for fatal: the setting to fix).
  const sends: [number, string, RegExp | null][] = [
    [-1, 'retryable', /busy/], // system busy: try again
    [45011, 'throttled', /per-minute/], // minute quota: the whole run waits for the next minute
    [45009, 'fatal', /daily quota.*--resume tomorrow/], // daily quota: stop, resumable tomorrow
    [40003, 'permanent', /openid/], // not this account's follower
    [43004, 'permanent', /unsubscribed/], // unfollowed
    [43101, 'permanent', /refused/], // refuses template messages
    [47003, 'permanent', /--data value/], // value breaks the keyword's rules
    [40013, 'fatal', /WECHAT_APPID/], // unknown appid
    [40036, 'fatal', /--template-id/], // malformed template id
    [40037, 'fatal', /--template-id/], // no such template
    [41001, 'fatal', /HERALD_WECHAT_ENDPOINT/], // token lost on the way
    [48001, 'fatal', /WECHAT_APPID/], // account may not use the API
    [40164, 'fatal', /IP whitelist/], // caller's IP not allowed
    [99999, 'permanent', /99999 something new/], // unknown code: this message failed, not retried
  ];
  for (const [errcode, outcome, detail] of sends) {
    it(`classifies send errcode ${errcode} as ${outcome}`, () => {
      const result = classifySend({ errcode, errmsg: `something new rid: 6612a3f1-1a2b3c4d-5e6f` }, NOW);
      expect(result.outcome).toBe(outcome);
      expect(result.code).toBe(String(errcode));
      if (detail) expect(result.detail).toMatch(detail);
      expect(result.detail).not.toContain('rid:');
    });
  }

  it('takes msgid as the message id on success', () => {
    expect(classifySend({ errcode: 0, errmsg: 'ok', msgid: 200228332 }, NOW)).toEqual({ outcome: 'ok', code: '0', messageId: '200228332' });
  });

  it('waits until just after the next minute on 45011', () => {
    expect(classifySend({ errcode: 45011, errmsg: 'x' }, NOW).retryAfterMs).toBe(15_250);
    expect(msToNextMinute(Date.UTC(2025, 0, 1, 8, 0, 0))).toBe(60_250);
  });

  it('knows the token rejections that cause one refresh', () => {
    expect([...TOKEN_REJECTED].sort()).toEqual([40001, 40014, 42001]);
  });

  // Each row: token errcode, expected outcome, the setting named.
  const tokens: [number, string, RegExp][] = [
    [40013, 'fatal', /WECHAT_APPID/], // invalid appid
    [40125, 'fatal', /WECHAT_APPSECRET/], // invalid appsecret (stable_token)
    [40001, 'fatal', /WECHAT_APPSECRET/], // wrong secret (classic token endpoint)
    [40164, 'fatal', /IP whitelist/], // IP not whitelisted
    [89503, 'fatal', /administrator/], // IP needs the admin's confirmation
    [45009, 'fatal', /access token requests/], // token API daily quota
    [-1, 'retryable', /busy/], // system busy
    [45011, 'throttled', /per-minute/], // token API minute quota
  ];
  for (const [errcode, outcome, detail] of tokens) {
    it(`classifies token errcode ${errcode} as ${outcome}`, () => {
      const result = classifyTokenError({ errcode, errmsg: 'x' }, NOW);
      expect(result.outcome).toBe(outcome);
      expect(result.detail).toMatch(detail);
    });
  }

  it('strips the request id from errmsg', () => {
    expect(shortErrmsg({ errmsg: 'invalid appid hint: [7Bj.La0878e508]' })).toBe('invalid appid');
    expect(shortErrmsg({})).toBe('no errmsg');
  });
});
