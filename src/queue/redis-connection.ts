/**
 * Connecting to the Redis a campaign runs through: `redis://[user@]host[:port][/db]` (or
 * `rediss://` for TLS), with the password from HERALD_REDIS_PASSWORD, never from the command
 * line. Every problem is one line naming the URL (without a password) and what to fix.
 */
import type { ConnectionOptions } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';
import { ConfigError } from '../errors.js';

/** The variable a Redis password comes from. */
export const REDIS_PASSWORD_VARIABLE = 'HERALD_REDIS_PASSWORD';

/** Connection options for ioredis and BullMQ, from a URL and the environment. */
export function redisOptions(url: string, env: Readonly<Record<string, string | undefined>>, flag: string): RedisOptions {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigError(`${flag} '${url}': expected a Redis URL like redis://10.0.0.5:6379/0`);
  }
  if (parsed.protocol !== 'redis:' && parsed.protocol !== 'rediss:') throw new ConfigError(`${flag} '${url}': expected redis:// or rediss://`);
  if (parsed.password !== '') {
    throw new ConfigError(`${flag}: a password in the URL would show in process lists and logs; put it in ${REDIS_PASSWORD_VARIABLE} instead`);
  }
  const db = parsed.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new ConfigError(`${flag} '${url}': the path must be a database number, like /0`);
  const password = env[REDIS_PASSWORD_VARIABLE];
  return {
    host: parsed.hostname === '' ? '127.0.0.1' : parsed.hostname.replace(/^\[|\]$/g, ''),
    port: parsed.port === '' ? 6379 : Number(parsed.port),
    ...(parsed.username !== '' ? { username: decodeURIComponent(parsed.username) } : {}),
    ...(password ? { password } : {}),
    ...(db !== '' ? { db: Number(db) } : {}),
    ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    // BullMQ's workers block on Redis: they need unlimited retries per request.
    maxRetriesPerRequest: null,
    // A Redis that is down must not hang a command forever at start-up.
    connectTimeout: 5000,
  };
}

/** Where a URL points, for messages (never a password). */
export function redisWhere(options: RedisOptions): string {
  return `${options.host ?? '127.0.0.1'}:${options.port ?? 6379}${options.db ? `/${options.db}` : ''}`;
}

/** Open a connection and check it answers; throws ConfigError naming the server when it does not. */
export async function connectRedis(options: RedisOptions, flag: string): Promise<Redis> {
  // Loaded here, not at start-up: a local send never needs the Redis driver (~15 MB of heap).
  const { Redis } = await import('ioredis');
  const client = new Redis({ ...options, lazyConnect: true, retryStrategy: () => null });
  // Errors reach the commands that fail; an 'error' event without a listener would print a stack.
  let last: Error | null = null;
  client.on('error', (error: Error) => (last = error));
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    client.disconnect();
    const cause = (last ?? error) as NodeJS.ErrnoException;
    const message = cause.message.split('\n')[0]!;
    if (/NOAUTH|WRONGPASS|invalid password|AUTH/i.test(message)) {
      const fix = options.password ? `check ${REDIS_PASSWORD_VARIABLE}` : `set ${REDIS_PASSWORD_VARIABLE}`;
      throw new ConfigError(`${flag}: Redis at ${redisWhere(options)} refused the login (${message.split(' ')[0]}): ${fix}`);
    }
    throw new ConfigError(`${flag}: cannot reach Redis at ${redisWhere(options)} (${cause.code ?? message.slice(0, 120)}); is redis-server running there?`);
  }
  // Connected: from now on, reconnect after a blip instead of failing every command.
  client.options.retryStrategy = (times: number) => Math.min(times * 200, 2000);
  return client;
}

/** The same options as BullMQ's connection settings (BullMQ opens its own connections with them). */
export function bullConnection(options: RedisOptions): ConnectionOptions {
  return options as unknown as ConnectionOptions;
}
