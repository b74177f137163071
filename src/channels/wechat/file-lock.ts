/**
 * A lock file for short critical sections shared by processes on one machine: created with
 * O_EXCL, holding the owner's pid; a lock whose owner no longer runs, or that is older than
 * `staleMs`, is taken over.
 */
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';

/** Options of acquireLock. */
export interface LockOptions {
  /** Give up after this long (ms) and return null. */
  readonly timeoutMs: number;
  /** A lock older than this (ms) is abandoned, whoever holds it. */
  readonly staleMs: number;
  readonly signal: AbortSignal;
}

/** Releases a lock. */
export type ReleaseLock = () => Promise<void>;

const POLL_MS = 20;

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove the lock only if it is still ours: after `staleMs` another process may have taken it over. */
async function releaseIfOurs(path: string, nonce: string): Promise<void> {
  try {
    const holder = JSON.parse(await readFile(path, 'utf8')) as { nonce?: unknown };
    if (holder.nonce === nonce) await unlink(path);
  } catch {
    // Gone already, or not ours to judge.
  }
}

/** What is at the lock's path: nothing, a live holder's lock, or an abandoned one. */
async function inspect(path: string, staleMs: number): Promise<'gone' | 'held' | 'stale'> {
  try {
    const [info, text] = await Promise.all([stat(path), readFile(path, 'utf8')]);
    if (Date.now() - info.mtimeMs > staleMs) return 'stale';
    let pid: unknown;
    try {
      pid = (JSON.parse(text) as { pid?: unknown }).pid;
    } catch {
      // Being written right now, or torn by a holder that died: only its age can tell.
      return 'held';
    }
    return typeof pid === 'number' && !running(pid) ? 'stale' : 'held';
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw error;
  }
}

/**
 * Take the lock at `path`, waiting for its holder; null when it could not be had in time.
 * Two processes taking over the same stale lock at once may both proceed: callers must treat the
 * lock as a way to avoid duplicate work, not as a guarantee of exclusion.
 */
export async function acquireLock(path: string, options: LockOptions): Promise<ReleaseLock | null> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    try {
      const handle = await open(path, 'wx', 0o600);
      const nonce = randomBytes(8).toString('hex');
      try {
        await handle.writeFile(JSON.stringify({ pid: process.pid, nonce }));
      } finally {
        await handle.close();
      }
      return () => releaseIfOurs(path, nonce);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const state = await inspect(path, options.staleMs);
    if (state === 'gone') continue;
    if (state === 'stale') {
      await unlink(path).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline || options.signal.aborted) return null;
    await sleep(POLL_MS, undefined, { signal: options.signal }).catch(() => undefined);
  }
}
