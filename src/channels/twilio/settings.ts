/**
 * The twilio channel's settings, read once from flags and the environment and checked before
 * anything is sent: each problem is a ConfigError naming the flag or variable (never the token).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ChannelSetup } from '../channel.js';
import { ConfigError } from '../../errors.js';
import { asIs } from '../../render/escape.js';
import { compileTemplate, type Template } from '../../render/template.js';
import { readEndpoint } from '../sms/endpoint.js';
import { checkPhone } from '../sms/phone.js';

/** Twilio's REST API. */
export const DEFAULT_TWILIO_ENDPOINT = 'https://api.twilio.com';

/** Everything the channel needs, validated. */
export interface TwilioSettings {
  /** `From`: an E.164 number or an alphanumeric sender ID; null when only a Messaging Service is given. */
  readonly from: string | null;
  readonly messagingServiceSid: string | null;
  readonly body: Template;
  readonly endpoint: URL;
  /** Absent only in --dry-run. */
  readonly credentials: { readonly accountSid: string; readonly authToken: string } | null;
}

const ACCOUNT_SID = /^AC[0-9a-fA-F]{32}$/;
const SERVICE_SID = /^MG[0-9a-fA-F]{32}$/;
/** Alphanumeric sender ID: up to 11 letters, digits and spaces, at least one letter. */
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9 ]{1,11}$/;

function text(options: ChannelSetup['options'], name: string): string | undefined {
  const value = options[name];
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function readFrom(value: string | undefined): string | null {
  if (value === undefined) return null;
  if (ALPHANUMERIC_SENDER.test(value)) return value;
  const phone = checkPhone(value, { mainlandByDefault: false });
  if (!phone.ok) throw new ConfigError(`--from must be an E.164 number (+14155552671) or an alphanumeric sender ID: ${phone.reason}`);
  return phone.number.e164;
}

function readBody(file: string | undefined, cwd: string): Template {
  if (file === undefined) throw new ConfigError('--template is required: a text file holding the SMS body, with {{field}} placeholders');
  let source: string;
  try {
    source = readFileSync(resolve(cwd, file), 'utf8');
  } catch (error) {
    throw new ConfigError(`--template ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  // The body is the file's text less one trailing newline (editors add one).
  return compileTemplate(source.replace(/\r?\n$/, ''), file, { escape: asIs });
}

function readCredentials(setup: ChannelSetup): TwilioSettings['credentials'] {
  const accountSid = setup.env.TWILIO_ACCOUNT_SID?.trim() ?? '';
  const authToken = setup.env.TWILIO_AUTH_TOKEN?.trim() ?? '';
  if (accountSid === '' || authToken === '') {
    if (setup.dryRun) return null;
    const missing = accountSid === '' ? 'TWILIO_ACCOUNT_SID' : 'TWILIO_AUTH_TOKEN';
    throw new ConfigError(`${missing} is not set: export it from the Twilio console (or put it in --env-file)`);
  }
  if (!ACCOUNT_SID.test(accountSid)) {
    throw new ConfigError(`TWILIO_ACCOUNT_SID must be AC followed by 32 hex digits, got '${accountSid}'`);
  }
  return { accountSid, authToken };
}

/** Read and check the channel's flags and environment once, before the first row. */
export function readTwilioSettings(setup: ChannelSetup): TwilioSettings {
  const from = readFrom(text(setup.options, 'from'));
  const messagingServiceSid = text(setup.options, 'messagingServiceSid') ?? null;
  if (messagingServiceSid !== null && !SERVICE_SID.test(messagingServiceSid)) {
    throw new ConfigError(`--messaging-service-sid must be MG followed by 32 hex digits, got '${messagingServiceSid}'`);
  }
  if (from === null && messagingServiceSid === null) {
    throw new ConfigError('twilio needs a sender: give --from <number> or --messaging-service-sid <MG…>');
  }
  return {
    from,
    messagingServiceSid,
    body: readBody(text(setup.options, 'template'), setup.cwd),
    endpoint: readEndpoint(
      setup.env.HERALD_TWILIO_ENDPOINT,
      { variable: 'HERALD_TWILIO_ENDPOINT', defaultUrl: DEFAULT_TWILIO_ENDPOINT, exposes: 'the auth token', plainHttp: 'refuse', addedPath: '/2010-04-01' },
      () => {},
    ),
    credentials: readCredentials(setup),
  };
}
