/**
 * A token cache file shared by herald processes on one machine (`--token-cache FILE`): the first
 * process to need a token fetches it under a lock and writes it (mode 0600, replaced atomically);
 * the others read it, so several cron jobs for one appid cause one fetch between them.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { randomBytes } from 'node:crypto';
import { acquireLock } from './file-lock.js';
import type { AccessToken, TokenAnswer, TokenSource } from './token-client.js';

/** Version of the cache file's format. */
const CACHE_VERSION = 1;
/** A holder of the lock longer than this has died or hangs: its lock is taken over. */
const LOCK_STALE_MS = 60_000;

interface CacheFile {
  readonly v: number;
  readonly tokens: Record<string, AccessToken>;
}

/** Options of the cached token source. */
export interface TokenCacheOptions {
  /** The cache file. */
  readonly path: string;
  /** Which token in the file: endpoint and appid (one file may serve several accounts). */
  readonly key: string;
  /** Where tokens come from when the file has none to use. */
  readonly inner: TokenSource;
  /** How long to wait for another process's fetch (ms). */
  readonly lockTimeoutMs: number;
  readonly now: () => number;
  readonly warn: (message: string) => void;
}

function isToken(value: unknown): value is AccessToken {
  const t = value as AccessToken | null;
  return t !== null && typeof t === 'object' && typeof t.value === 'string' && typeof t.expiresAt === 'number' && typeof t.renewAt === 'number';
}

async function readCache(path: string): Promise<CacheFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { v: CACHE_VERSION, tokens: {} };
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<CacheFile>;
    if (parsed.v !== CACHE_VERSION || parsed.tokens === null || typeof parsed.tokens !== 'object') throw new Error('format');
    const tokens: Record<string, AccessToken> = {};
    for (const [key, token] of Object.entries(parsed.tokens)) if (isToken(token)) tokens[key] = token;
    return { v: CACHE_VERSION, tokens };
  } catch {
    return { v: CACHE_VERSION, tokens: {} };
  }
}

async function writeCache(path: string, cache: CacheFile): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(temporary, JSON.stringify(cache), { mode: 0o600, flag: 'wx' });
  await rename(temporary, path);
}

function reasonOf(error: unknown): string {
  return (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
}

/** A token source that consults and fills a shared cache file before asking `inner`. */
export function cachedTokenSource(options: TokenCacheOptions): TokenSource {
  const { path, key } = options;
  let warned = false;
  const warnOnce = (message: string) => {
    if (!warned) options.warn(message);
    warned = true;
  };

  const usable = (cache: CacheFile, rejected: string | null): AccessToken | null => {
    const token = cache.tokens[key];
    if (token === undefined || token.value === rejected || options.now() >= token.renewAt) return null;
    return token;
  };

  return {
    async fetch(rejected, signal): Promise<TokenAnswer> {
      try {
        const cached = usable(await readCache(path), rejected);
        if (cached !== null) return { ok: true, token: cached };
        await mkdir(dirname(path), { recursive: true, mode: 0o700 });
        const release = await acquireLock(`${path}.lock`, { timeoutMs: options.lockTimeoutMs, staleMs: LOCK_STALE_MS, signal });
        if (release === null) {
          warnOnce(`--token-cache ${path}: another process holds its lock; fetching a token without the cache`);
          return await options.inner.fetch(rejected, signal);
        }
        try {
          const cache = await readCache(path);
          const fresh = usable(cache, rejected);
          if (fresh !== null) return { ok: true, token: fresh };
          const answer = await options.inner.fetch(rejected, signal);
          if (answer.ok) {
            await writeCache(path, { v: CACHE_VERSION, tokens: { ...cache.tokens, [key]: answer.token } }).catch((error: unknown) =>
              warnOnce(`--token-cache ${path}: cannot write the file (${reasonOf(error)}); other processes will fetch their own token`),
            );
          }
          return answer;
        } finally {
          await release();
        }
      } catch (error) {
        warnOnce(`--token-cache ${path}: cannot use the file (${reasonOf(error)}); fetching tokens without it`);
        return options.inner.fetch(rejected, signal);
      }
    },
  };
}
