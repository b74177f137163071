/** The aliyun-sms channel's flags and defaults. */
import type { ChannelSpec } from '../spec.js';

/**
 * Sends in flight by default: Aliyun allows 5,000 SendSms per second per account, so the limit
 * that matters is the user's --rate; 16 keep-alive connections carry a few hundred a second.
 */
const DEFAULT_CONCURRENCY = 16;

export const aliyunSmsSpec: ChannelSpec = {
  name: 'aliyun-sms',
  summary: 'Aliyun SMS: Dysmsapi SendSms / SendBatchSms (signature v1.0), unknown outcomes checked with QuerySendDetails',
  defaultTo: 'phone',
  defaultKey: 'phone',
  defaultConcurrency: DEFAULT_CONCURRENCY,
  options: [
    { flags: '--sign-name <name>', description: 'approved SMS signature (签名名称), e.g. 阿里云短信测试' },
    { flags: '--template-code <code>', description: 'approved template code (模板CODE), e.g. SMS_123456789' },
    {
      flags: '--param <NAME=FIELD>',
      description: 'template variable NAME takes the row\'s FIELD (repeatable; builds TemplateParam)',
      repeatable: true,
    },
    { flags: '--batch <n>', description: 'send up to n (≤ 100) rows per SendBatchSms call; each row keeps its own record' },
    {
      flags: '--template-text <file>',
      description: 'the approved template\'s text with ${name} variables: shows the SMS and its billed length',
      path: true,
    },
    { flags: '--insecure-tls', description: 'do not verify TLS certificates of the provider or receiver (testing only)' },
  ],
  load: async () => (await import('./channel.js')).aliyunSmsModule,
};
