/** The channels herald knows, by --channel name. Specs are light; modules load on first use. */
import type { ChannelSpec } from './spec.js';
import { webhookSpec } from './webhook/spec.js';
import { emailSpec } from './email/spec.js';
import { aliyunSmsSpec } from './aliyun-sms/spec.js';
import { twilioSpec } from './twilio/spec.js';
import { wechatSpec } from './wechat/spec.js';

/** Every channel, in the order help lists them. */
export const CHANNELS: readonly ChannelSpec[] = [webhookSpec, emailSpec, aliyunSmsSpec, wechatSpec, twilioSpec];

/** The spec for a --channel value, or undefined. */
export function findChannel(name: string): ChannelSpec | undefined {
  return CHANNELS.find((spec) => spec.name === name);
}
