/** `herald mock aliyun-sms`: its description, flags and examples; the server loads on first use. */
import type { MockSpec } from '../spec.js';
import { aliyunMockOptions } from './options.js';

/** The Aliyun Dysmsapi simulator. */
export const aliyunSmsMockSpec: MockSpec = {
  channel: 'aliyun-sms',
  examples: ['herald mock aliyun-sms', 'herald mock aliyun-sms --fault isp.SYSTEM_ERROR=5% --error 13800000000=isv.MOBILE_NUMBER_ILLEGAL'],
  description: 'Aliyun Dysmsapi simulator: verifies signatures, enforces per-number flow control, injects faults',
  options: aliyunMockOptions,
  load: async () => (await import('./server.js')).aliyunMockModule,
};
