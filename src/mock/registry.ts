/** The simulators herald can run, by channel name. Specs are light; servers load on first use. */
import { aliyunSmsMockSpec } from './aliyun-sms/spec.js';
import { emailMockSpec } from './email/spec.js';
import type { MockSpec } from './spec.js';
import { twilioMockSpec } from './twilio/spec.js';
import { webhookMockSpec } from './webhook/spec.js';
import { wechatMockSpec } from './wechat/spec.js';

/** Every simulator, in the order help lists them (the channels' order). */
export const MOCKS: readonly MockSpec[] = [webhookMockSpec, emailMockSpec, aliyunSmsMockSpec, wechatMockSpec, twilioMockSpec];

/** The simulator of a channel, or undefined when it has none. */
export function findMock(channel: string): MockSpec | undefined {
  return MOCKS.find((spec) => spec.channel === channel);
}
