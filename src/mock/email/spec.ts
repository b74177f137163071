/** `herald mock email`: its description, flags and examples; the SMTP server loads on first use. */
import type { MockSpec } from '../spec.js';

/** The SMTP submission server simulator. */
export const emailMockSpec: MockSpec = {
  channel: 'email',
  examples: [
    'herald mock email --save ./outbox',
    'herald mock email --user news --password secret --reject-rate 0.02 --greylist',
    'herald mock email --defer 10% --defer-reply ses',
  ],
  description:
    'SMTP server on 127.0.0.1 that accepts every message, or answers 450/550/421 at set rates; prints HERALD_SMTP_URL',
  options: [
    { flags: '--port <n>', description: 'port to listen on (0: any free port)', defaultValue: '0' },
    { flags: '--user <name>', description: 'require this user to log in (with --password)' },
    { flags: '--password <secret>', description: 'the password --user must give (a test password, printed in HERALD_SMTP_URL)' },
    {
      flags: '--login-for-relay',
      description: 'with --user: take mail without a login but refuse every recipient 554 5.7.1 Relay access denied, as Postfix does',
    },
    { flags: '--reject-rate <r>', description: 'share of recipients answered 550 5.1.1 (unknown mailbox), 0 to 1', defaultValue: '0' },
    { flags: '--defer-rate <r>', description: 'share of recipients answered 450 4.2.0 (mailbox busy, try later), 0 to 1', defaultValue: '0' },
    { flags: '--throttle-rate <r>', description: 'share of messages answered 421 4.7.0 (slow down) and disconnected, 0 to 1', defaultValue: '0' },
    {
      flags: '--defer <share>',
      description: "share of messages answered with a large provider's \"slow down\" deferral (see --defer-reply), 0 to 1 or 5%",
      defaultValue: '0',
    },
    {
      flags: '--defer-reply <provider>',
      description: 'whose deferral --defer answers: gmail (421 4.7.28), gmail-recipient (450 4.2.1), yahoo (421 4.7.0 [TSS04]), microsoft (451 4.7.500), ses (454 Throttling failure) or any',
      defaultValue: 'any',
    },
    { flags: '--greylist', description: 'answer 450 4.2.0 to the first attempt for each recipient, accept later ones' },
    { flags: '--latency <ms>', description: 'wait this long before answering each message', defaultValue: '0' },
    { flags: '--tls', description: 'offer STARTTLS with a self-signed certificate (herald then needs --insecure-tls)' },
    { flags: '--secure', description: 'speak TLS from the first byte, as on port 465 (smtps://; herald needs --insecure-tls)' },
    { flags: '--save <dir>', description: 'write each accepted message to DIR as an .eml file' },
    { flags: '--seed <n>', description: 'seed for the fault rates, to replay the same faults', defaultValue: '1' },
  ],
  load: () => import('./simulator.js'),
};
