/** `herald mock twilio`: its description, flags and examples; the server loads on first use. */
import type { MockSpec } from '../spec.js';
import { twilioMockOptions } from './options.js';

/** The Twilio Messages API simulator. */
export const twilioMockSpec: MockSpec = {
  channel: 'twilio',
  examples: ['herald mock twilio --numbers +14155550000', 'herald mock twilio --fault 20429=5% --error +15005550001=21211'],
  description: 'Twilio Messages API simulator: checks HTTP Basic auth and parameters, injects 20429 and error codes',
  options: twilioMockOptions,
  load: async () => (await import('./server.js')).twilioMockModule,
};
