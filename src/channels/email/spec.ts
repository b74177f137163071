/** The email channel's flags and defaults: SMTP through a pooled nodemailer transport. */
import type { ChannelSpec } from '../spec.js';

/** The email channel: flags of `herald send --channel email` and defaults. */
export const emailSpec: ChannelSpec = {
  name: 'email',
  summary: 'email over SMTP (HERALD_SMTP_URL) through a pool of reused connections',
  defaultTo: 'email',
  defaultKey: 'email',
  defaultConcurrency: 5,
  options: [
    {
      flags: '--template <file>',
      description:
        'email template: header lines (From, Subject; optional To, Reply-To, Cc, Bcc, X-…, List-Unsubscribe, Attachment), ' +
        'a blank line, then the body; a .txt body sends text, .html sends HTML with a text part derived from it, ' +
        '.md sends Markdown as HTML and text',
    },
    {
      flags: '--text <file>',
      description: 'plain-text part (a body, templated) sent with the HTML part as multipart/alternative',
    },
    {
      flags: '--html <file>',
      description: 'HTML part (a body, templated) sent with the text part as multipart/alternative',
    },
    {
      flags: '--unsubscribe <url>',
      description:
        'one-click unsubscribe: adds List-Unsubscribe: <URL> (templated, values percent-encoded) and, for https, ' +
        'List-Unsubscribe-Post: List-Unsubscribe=One-Click (RFC 8058); mailto: allowed',
    },
    {
      flags: '--insecure-tls',
      description: "do not verify the SMTP server's TLS certificate (test servers only; the connection stays encrypted)",
    },
    {
      flags: '--max-messages <n>',
      description: 'messages sent over one SMTP connection before it is replaced by a fresh one',
      defaultValue: '100',
    },
  ],
  load: () => import('./email-channel.js'),
};
