/**
 * The environment variables that hold a credential of some channel, registered as secrets before
 * any channel is created: whatever the channel, a value that is a credential in this environment
 * never reaches the terminal or the log. Channels add what only they know (`${VAR}` expansions,
 * tokens handed out during the run) through `ChannelSetup.secrets`.
 */
import type { Secrets } from './secrets.js';

/** Variables whose whole value is a secret. */
export const SECRET_VARIABLES: readonly string[] = [
  'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  'TWILIO_AUTH_TOKEN',
  'WECHAT_APPSECRET',
  'HERALD_SMTP_PASSWORD',
  'HERALD_REDIS_PASSWORD',
];

/** Variables holding a URL whose `user:password@` is a login. */
export const URL_VARIABLES: readonly string[] = [
  'HERALD_SMTP_URL',
  'HERALD_WEBHOOK_URL',
  'HERALD_ALIYUN_ENDPOINT',
  'HERALD_TWILIO_ENDPOINT',
  'HERALD_WECHAT_ENDPOINT',
];

function decoded(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** Register every credential the environment holds, in the forms it travels in (Basic auth, SMTP AUTH). */
export function addKnownCredentials(secrets: Secrets, env: Readonly<Record<string, string | undefined>>): void {
  for (const name of SECRET_VARIABLES) {
    // Trimmed, as channels read them.
    secrets.add(env[name]?.trim());
  }
  // Twilio authenticates with HTTP Basic: base64 of "ACCOUNT_SID:AUTH_TOKEN".
  secrets.addLogin(env.TWILIO_ACCOUNT_SID?.trim(), env.TWILIO_AUTH_TOKEN?.trim());
  const smtpUser = urlLogin(env.HERALD_SMTP_URL)?.user;
  secrets.addLogin(smtpUser, env.HERALD_SMTP_PASSWORD);
  for (const name of URL_VARIABLES) {
    const login = urlLogin(env[name]);
    if (login) secrets.addLogin(login.user, login.password);
  }
}

function urlLogin(value: string | undefined): { user: string; password: string } | null {
  if (value === undefined) return null;
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  if (url.password === '') return url.username === '' ? null : { user: decoded(url.username), password: '' };
  return { user: decoded(url.username), password: decoded(url.password) };
}
