// The HTTP providers' "slow down" answers, each as the provider writes it: all `throttled` for the
// whole run (the email deferrals are in email/deferrals.test.ts). A per-number limit slows one row.
import { describe, expect, it } from 'vitest';
import type { SendResult } from '../../src/channels/channel.js';
import { classifyAnswer as classifyAliyun } from '../../src/channels/aliyun-sms/classify.js';
import { classifyTwilio } from '../../src/channels/twilio/classify.js';
import { classifyAnswer as classifyWebhook } from '../../src/channels/webhook/classify.js';
import { classifySend as classifyWechat } from '../../src/channels/wechat/errcodes.js';

const NOW = Date.parse('2026-03-01T10:00:30Z');

describe("HTTP providers' slow-down answers", () => {
  it.each<[string, SendResult, string, SendResult['scope'], number | undefined]>([
    // each row: the answer, classified; its code, scope and wait
    // Aliyun: account-wide flow control, HTTP 400 with Code Throttling.User
    ['aliyun Throttling.User', classifyAliyun(400, { Code: 'Throttling.User', Message: 'Request was denied due to user flow control.' }), 'Throttling.User', 'channel', 1_000],
    // Aliyun: API-wide flow control
    ['aliyun Throttling.Api', classifyAliyun(400, { Code: 'Throttling.Api', Message: 'Request was denied due to api flow control.' }), 'Throttling.Api', 'channel', 1_000],
    // Aliyun: one number's minute limit slows that row only
    ['aliyun per-number minute', classifyAliyun(200, { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发分钟级流控Permits:1' }), 'isv.BUSINESS_LIMIT_CONTROL', 'recipient', 60_000],
    // Twilio: too many concurrent requests (never processed, safe to retry)
    ['twilio 20429', classifyTwilio(429, { code: 20429, message: 'Too Many Requests' }, undefined, NOW), '20429', 'channel', undefined],
    // Twilio: a 429 with Retry-After from a gateway in front
    ['twilio 429 Retry-After', classifyTwilio(429, null, '2', NOW), '429', 'channel', 2_000],
    // WeChat: the per-minute API quota; retry just after the next minute starts
    ['wechat 45011', classifyWechat({ errcode: 45011, errmsg: 'api minute-quota reach limit  mustslower  retry next minute rid: 1' }, NOW), '45011', 'channel', 30_250],
    // webhook: 429 with Retry-After seconds
    ['webhook 429', classifyWebhook({ status: 429, retryAfter: '3', bodySnippet: '', target: 'https://hooks.example/x' }, NOW), '429', 'channel', 3_000],
    // webhook: 503 with Retry-After as an HTTP date
    ['webhook 503 date', classifyWebhook({ status: 503, retryAfter: 'Sun, 01 Mar 2026 10:00:40 GMT', bodySnippet: '', target: 'https://hooks.example/x' }, NOW), '503', 'channel', 10_000],
  ])('%s', (_name, result, code, scope, wait) => {
    expect(result).toMatchObject({ outcome: 'throttled', code, scope });
    expect(result.retryAfterMs).toBe(wait);
  });

  it('leaves a 503 without Retry-After retryable (an outage, not a request to slow down)', () => {
    expect(classifyWebhook({ status: 503, retryAfter: undefined, bodySnippet: '', target: 'https://hooks.example/x' }, NOW).outcome).toBe('retryable');
  });
});
