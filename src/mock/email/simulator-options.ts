/** The email simulator's options, read from `herald mock email` flags (strings) or a test (values). */
import { ConfigError } from '../../errors.js';
import { parseShare } from '../options.js';
import { ANY_PROVIDER, DEFER_REPLY_NAMES } from './deferral-replies.js';
import type { FaultSettings } from './faults.js';

/** Everything the simulator is started with. */
export interface SimulatorOptions extends FaultSettings {
  readonly port: number;
  /** Credentials a client must log in with; null: no login (AUTH not offered). */
  readonly login: { readonly user: string; readonly password: string } | null;
  /** With a login: MAIL FROM is taken without it, but every recipient is refused 554 5.7.1 Relay access denied (Postfix). */
  readonly loginForRelay: boolean;
  readonly latencyMs: number;
  /** Offer STARTTLS with the bundled self-signed certificate. */
  readonly tls: boolean;
  /** TLS from the first byte (smtps://). */
  readonly secure: boolean;
  /** Folder to write accepted messages to as .eml files, or null. */
  readonly saveDir: string | null;
}

function numberOption(options: Readonly<Record<string, unknown>>, key: string, flag: string, fallback: number, max: number): number {
  const raw = options[key];
  if (raw === undefined || raw === null) return fallback;
  const value = typeof raw === 'number' ? raw : Number(String(raw).trim());
  if (!Number.isFinite(value) || value < 0 || value > max || String(raw).trim() === '') {
    throw new ConfigError(`${flag} must be a number from 0 to ${max} (got '${String(raw)}')`);
  }
  return value;
}

function stringOption(options: Readonly<Record<string, unknown>>, key: string): string | null {
  const raw = options[key];
  return typeof raw === 'string' && raw !== '' ? raw : null;
}

/** Read the simulator's options; throws ConfigError naming the flag at fault. */
export function readSimulatorOptions(options: Readonly<Record<string, unknown>>): SimulatorOptions {
  const port = numberOption(options, 'port', '--port', 0, 65535);
  if (!Number.isInteger(port)) throw new ConfigError(`--port must be a whole number (got '${String(options['port'])}')`);
  const user = stringOption(options, 'user');
  const password = stringOption(options, 'password');
  if ((user === null) !== (password === null)) throw new ConfigError('--user and --password go together');
  const loginForRelay = options['loginForRelay'] === true;
  if (loginForRelay && user === null) throw new ConfigError('--login-for-relay needs --user and --password (the login the relay wants)');
  const tls = options['tls'] === true;
  const secure = options['secure'] === true;
  if (tls && secure) throw new ConfigError('--tls (STARTTLS) and --secure (TLS from the first byte) exclude each other');
  const deferReply = stringOption(options, 'deferReply') ?? ANY_PROVIDER;
  if (!DEFER_REPLY_NAMES.includes(deferReply)) {
    throw new ConfigError(`--defer-reply must be one of ${DEFER_REPLY_NAMES.join(', ')} (got '${deferReply}')`);
  }
  return {
    port,
    login: user !== null && password !== null ? { user, password } : null,
    loginForRelay,
    rejectRate: numberOption(options, 'rejectRate', '--reject-rate', 0, 1),
    deferRate: numberOption(options, 'deferRate', '--defer-rate', 0, 1),
    throttleRate: numberOption(options, 'throttleRate', '--throttle-rate', 0, 1),
    greylist: options['greylist'] === true,
    deferShare: parseShare(options['defer'], '--defer'),
    deferReply,
    latencyMs: numberOption(options, 'latency', '--latency', 0, 600_000),
    seed: numberOption(options, 'seed', '--seed', 1, 2 ** 32 - 1),
    tls,
    secure,
    saveDir: stringOption(options, 'save'),
  };
}
