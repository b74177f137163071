/**
 * The email channel: rows rendered through a template into messages sent over a pooled SMTP
 * transport (nodemailer), each answer classified. Everything that can be checked before the
 * first send is checked in `create` (settings, templates, fixed addresses and attachments).
 */
import { hostname } from 'node:os';
import { DEDUPE_FOREVER, type Channel, type ChannelSetup, type Prepared, type SendContext, type SendResult } from '../channel.js';
import { networkErrorResult } from '../http/network-error.js';
import { ConfigError } from '../../errors.js';
import { classifyAccepted, classifySmtpError, isUnreachable, type SmtpTarget } from './classify.js';
import { ehloName, SMTP_NAME_VAR } from './ehlo-name.js';
import { fieldsOf, loadEmailTemplate, type EmailMessage, type EmailTemplate } from './message-template.js';
import { preflight } from './preflight.js';
import { endpointLabel, parseSmtpUrl, SMTP_PASSWORD_VAR, SMTP_URL_VAR, type SmtpEndpoint } from './smtp-url.js';
import { connectionOptions, createSmtpPool, DEFAULT_MAX_MESSAGES, type SmtpPool, type TransportSettings } from './transport.js';
import { compileUnsubscribe, UNSUBSCRIBE_FLAG, type Unsubscribe } from './unsubscribe.js';
import { describeMessage, mailOptions, messageIdFor } from './wire.js';

/** The email channel's own options, as commander parsed them. */
interface EmailOptions {
  readonly template: string;
  readonly text?: string;
  readonly html?: string;
  readonly insecureTls: boolean;
  readonly maxMessages: number;
  /** --unsubscribe URL, as typed. */
  readonly unsubscribe?: string;
}

function optionalPath(options: ChannelSetup['options'], key: string, flag: string): string | undefined {
  const value = options[key];
  if (value === undefined || value === null || value === false) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw new ConfigError(`${flag} needs a file name`);
  return value;
}

/** Read and check the email flags; throws ConfigError naming the flag. */
function readEmailOptions(options: ChannelSetup['options']): EmailOptions {
  const template = optionalPath(options, 'template', '--template');
  if (template === undefined) {
    throw new ConfigError('--channel email needs --template FILE: header lines (From:, Subject:), a blank line, then the body');
  }
  const raw = options['maxMessages'] ?? DEFAULT_MAX_MESSAGES;
  const maxMessages = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isInteger(maxMessages) || maxMessages < 1) {
    throw new ConfigError(`--max-messages must be a whole number of at least 1 (got '${String(raw)}')`);
  }
  const text = optionalPath(options, 'text', '--text');
  const html = optionalPath(options, 'html', '--html');
  const unsubscribe = options['unsubscribe'];
  if (unsubscribe !== undefined && (typeof unsubscribe !== 'string' || unsubscribe.trim() === '')) {
    throw new ConfigError(`${UNSUBSCRIBE_FLAG} needs a URL, e.g. https://shop.example/unsubscribe?email={{email}}`);
  }
  return {
    template,
    ...(text !== undefined ? { text } : {}),
    ...(html !== undefined ? { html } : {}),
    ...(unsubscribe !== undefined ? { unsubscribe } : {}),
    insecureTls: options['insecureTls'] === true,
    maxMessages,
  };
}

/** Replace every occurrence of a secret in a result's detail (defence in depth: none should be there). */
function withoutSecret(result: SendResult, secret: string | null): SendResult {
  if (secret === null || secret === '' || result.detail === undefined) return result;
  const masked = result.detail.split(secret).join('***').split(encodeURIComponent(secret)).join('***');
  return masked === result.detail ? result : { ...result, detail: masked };
}

/** --unsubscribe compiled, refused when the template sets the same headers itself. */
function readUnsubscribe(options: EmailOptions, template: EmailTemplate, warn: (line: string) => void): Unsubscribe | null {
  if (options.unsubscribe === undefined) return null;
  for (const header of ['List-Unsubscribe', 'List-Unsubscribe-Post']) {
    if (template.headerNames.has(header.toLowerCase())) {
      throw new ConfigError(`${UNSUBSCRIBE_FLAG}: ${options.template} has its own ${header} line; keep one of the two`);
    }
  }
  return compileUnsubscribe(options.unsubscribe, warn);
}

/** A rendered message with the unsubscribe headers added (or the reason the row cannot have them). */
function withUnsubscribe(message: Prepared<EmailMessage>, unsubscribe: Unsubscribe | null, fields: Parameters<Unsubscribe['render']>[0]): Prepared<EmailMessage> {
  if (!message.ok || unsubscribe === null) return message;
  const rendered = unsubscribe.render(fields);
  if (!rendered.ok) return rendered;
  return { ok: true, message: { ...message.message, headers: [...message.message.headers, ...rendered.headers] } };
}

/** The connected part of the channel: absent in --dry-run. */
interface Connection {
  readonly endpoint: SmtpEndpoint;
  readonly pool: SmtpPool;
  readonly settings: TransportSettings;
  readonly target: SmtpTarget;
}

function connect(setup: ChannelSetup, options: EmailOptions): Connection | null {
  const url = setup.env[SMTP_URL_VAR];
  if (setup.dryRun && (url === undefined || url.trim() === '')) return null;
  const endpoint = parseSmtpUrl(url, setup.env[SMTP_PASSWORD_VAR]);
  const name = ehloName(setup.env[SMTP_NAME_VAR], hostname());
  if (setup.dryRun) return null;
  if (options.insecureTls) setup.warn(`--insecure-tls: the TLS certificate of ${endpointLabel(endpoint)} is not verified`);
  const settings: TransportSettings = {
    maxConnections: setup.concurrency,
    maxMessages: options.maxMessages,
    timeoutMs: setup.timeoutMs,
    insecureTls: options.insecureTls,
    ...(name !== undefined ? { name } : {}),
  };
  return {
    endpoint,
    settings,
    pool: createSmtpPool(endpoint, settings),
    target: { label: endpointLabel(endpoint), user: endpoint.user },
  };
}

/** Create the email channel for a run; throws ConfigError for any setting or template at fault. */
export async function create(setup: ChannelSetup): Promise<Channel<EmailMessage>> {
  const options = readEmailOptions(setup.options);
  if (setup.toField === null) throw new ConfigError('--channel email needs --to FIELD (the field holding the address)');
  const template = loadEmailTemplate({ ...options, cwd: setup.cwd }, setup.toField);
  const unsubscribe = readUnsubscribe(options, template, (line) => setup.warn(line));
  const connection = connect(setup, options);
  const secret = connection?.endpoint.password ?? null;

  return {
    name: 'email',
    dedupeWindowMs: DEDUPE_FOREVER,
    templateFields: () => [...template.fields, ...(unsubscribe === null ? [] : fieldsOf(unsubscribe.source, UNSUBSCRIBE_FLAG, UNSUBSCRIBE_FLAG))],
    prepare: (fields) => withUnsubscribe(template.render(fields), unsubscribe, fields),
    describe: (message, idempotencyKey) => describeMessage(message, idempotencyKey),

    async verify(signal) {
      if (connection === null) return null;
      const { endpoint, settings, target } = connection;
      const login = endpoint.user !== null ? { user: endpoint.user, pass: endpoint.password ?? '' } : null;
      const error = await preflight(connectionOptions(endpoint, settings), login, signal);
      if (error === null) return null;
      const result = withoutSecret(classifySmtpError(error, target), secret);
      if (result.outcome === 'fatal') return result;
      if (!isUnreachable(error)) return null;
      // Nothing answers at the start of the run: say so now rather than on every row.
      const hint = `check the host and port in ${SMTP_URL_VAR} (smtp:// with port 587, smtps:// with port 465)`;
      return { ...result, outcome: 'fatal', detail: `${result.detail ?? target.label}: ${hint}` };
    },

    async send(message: EmailMessage, ctx: SendContext): Promise<SendResult> {
      if (connection === null) return { outcome: 'fatal', code: null, detail: `${SMTP_URL_VAR} is not set` };
      const { pool, target } = connection;
      const messageId = messageIdFor(ctx.idempotencyKey, message.from);
      try {
        const info = await pool.sendMail({ ...mailOptions(message, ctx.idempotencyKey), signal: ctx.signal });
        return withoutSecret(classifyAccepted(info, message.to.address, target, messageId), secret);
      } catch (error) {
        if (ctx.signal.aborted) return networkErrorResult(error, target.label, true);
        return withoutSecret(classifySmtpError(error, target), secret);
      }
    },

    close() {
      connection?.pool.close();
      return Promise.resolve();
    },
  };
}
