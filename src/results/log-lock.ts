/**
 * One writer per result log: a `<log>.lock` file holding the holder's pid, host and process start
 * time, created exclusively (written to a temporary file, then hard-linked into place, so a lock is
 * never seen half written). A lock whose process no longer runs, or whose content is not a valid
 * holder, is taken over; a lock held on another host is refused with the way to clear it.
 */
import { linkSync, lstatSync, readdirSync, readFileSync, readlinkSync, realpathSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { hostname } from 'node:os';
import { shellQuote } from '../render/shell-words.js';
import { ConfigError, LogRefusedError } from '../errors.js';
import { holderRuns, parseHolder, pidRuns, processStart, type LockHolder } from './lock-holder.js';

/** Mode of the lock and its temporary files: the log beside them holds personal data. */
const LOCK_MODE = 0o600;

/** A held lock; `release()` removes it. */
export interface LogLock {
  release(): void;
}

/** What is at the lock's path. */
type Found = { readonly kind: 'gone' } | { readonly kind: 'holder'; readonly holder: LockHolder } | { readonly kind: 'invalid' };

/**
 * The log's real path, so that a symlink or another spelling of the same file meets the same
 * lock: the file's own real path when it exists, else its folder's real path and its name.
 */
function realLogPath(logPath: string, links = 0): string {
  try {
    return realpathSync(logPath);
  } catch {
    // A symlink to a log not written yet: the lock goes where the log will be.
    if (links < 8) {
      try {
        return realLogPath(resolve(dirname(logPath), readlinkSync(logPath)), links + 1);
      } catch {
        // Not a symlink.
      }
    }
    try {
      return join(realpathSync(dirname(logPath)), basename(logPath));
    } catch {
      return logPath;
    }
  }
}

/** A file of this process next to the lock: `<lock>.<host>.<pid>.<what>`, so leftovers can be told apart. */
function ownFile(lockPath: string, host: string, what: 'tmp' | 'stale'): string {
  return `${lockPath}.${host}.${process.pid}.${what}`;
}

/** Take the lock of the log at `logPath`, or throw LogRefusedError naming the process that holds it. */
export function lockLog(logPath: string, command: string): LogLock {
  const lockPath = `${realLogPath(logPath)}.lock`;
  const host = hostname();
  const owner: LockHolder = { pid: process.pid, host, start: processStart(process.pid), since: new Date().toISOString(), command };
  const temp = ownFile(lockPath, host, 'tmp');
  try {
    writeFileSync(temp, JSON.stringify(owner) + '\n', { mode: LOCK_MODE });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `the folder ${dirname(logPath)} does not exist` : code === 'EACCES' || code === 'EPERM' ? 'herald may not write there' : code;
    throw new ConfigError(`--out ${logPath}: cannot write the result log there (${why})`);
  }
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (linked(temp, lockPath)) {
        sweepLeftovers(lockPath, host);
        return held(lockPath, host);
      }
      const found = inspect(logPath, lockPath);
      if (found.kind === 'gone') continue;
      if (found.kind === 'holder') {
        if (found.holder.host !== host) refuseOtherHost(logPath, lockPath, found.holder);
        if (holderRuns(found.holder)) refuse(logPath, found.holder);
      }
      takeOver(lockPath, found.kind === 'holder' ? found.holder : null, ownFile(lockPath, host, 'stale'), host);
    }
    throw new LogRefusedError(`${logPath}: cannot take its lock file ${lockPath}`);
  } finally {
    removeQuietly(temp);
  }
}

/** Hard-link the written temporary file into place; false when a lock is already there. */
function linked(temp: string, lockPath: string): boolean {
  try {
    linkSync(temp, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return false;
  }
}

function held(lockPath: string, host: string): LogLock {
  const release = () => releaseIfOurs(lockPath, host);
  // A process that exits at once (a second Ctrl-C) still leaves no lock behind.
  process.once('exit', release);
  return {
    release: () => {
      process.off('exit', release);
      release();
    },
  };
}

/** Read what holds the lock; a directory or other non-file there is the user's to remove (ConfigError). */
function inspect(logPath: string, lockPath: string): Found {
  let stat;
  try {
    stat = lstatSync(lockPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'gone' };
    throw error;
  }
  if (stat.isDirectory()) {
    throw new ConfigError(`${lockPath} is a directory, where herald keeps the lock file of ${logPath}: remove it (rm -r ${shellQuote(lockPath)}) and run again`);
  }
  if (!stat.isFile()) {
    throw new ConfigError(`${lockPath} is not a regular file, where herald keeps the lock file of ${logPath}: remove it (rm ${shellQuote(lockPath)}) and run again`);
  }
  let text: string;
  try {
    text = readFileSync(lockPath, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { kind: 'gone' };
    // Unreadable is not invalid: another user's herald may hold it.
    throw new LogRefusedError(`${logPath}: cannot read its lock file ${lockPath} (${code ?? 'error'}); another user's herald may be writing the log`);
  }
  const holder = parseHolder(text);
  return holder === null ? { kind: 'invalid' } : { kind: 'holder', holder };
}

function refuse(logPath: string, holder: LockHolder): never {
  throw new LogRefusedError(`${logPath} is in use by another herald (pid ${holder.pid}, since ${holder.since}); wait for it to finish or stop it`);
}

function refuseOtherHost(logPath: string, lockPath: string, holder: LockHolder): never {
  throw new LogRefusedError(
    `${logPath} is locked by a herald on host ${holder.host} (pid ${holder.pid}, since ${holder.since}), which cannot be checked from here; ` +
      `if that host is gone (a container that came back under a new name), clear it with: rm ${shellQuote(lockPath)}`,
  );
}

function sameHolder(a: LockHolder, b: LockHolder): boolean {
  return a.pid === b.pid && a.host === b.host && a.since === b.since;
}

/**
 * Remove a lock judged dead (`judged`: its holder, or null for content that is no holder). It is
 * first renamed aside, so that of two processes taking it over at once only one removes it; if
 * what was renamed turns out to be a live holder's fresh lock, it is put back.
 */
function takeOver(lockPath: string, judged: LockHolder | null, aside: string, host: string): void {
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // Someone else moved it first; the next attempt sees what is there now.
  }
  try {
    if (!lstatSync(aside).isFile()) {
      // Swapped for a directory since it was read: put it back for the next attempt to report.
      renameSync(aside, lockPath);
      return;
    }
    const moved = parseHolder(readFileSync(aside, 'utf8'));
    const fresh = moved !== null && (judged === null || !sameHolder(moved, judged));
    if (fresh && (moved.host !== host || holderRuns(moved))) {
      try {
        linkSync(aside, lockPath);
      } catch {
        // A third process holds it now; it will be seen on the next attempt.
      }
    }
  } catch {
    // Whatever was moved is removed below; the next attempt sees what is there now.
  } finally {
    removeQuietly(aside);
  }
}

/**
 * Remove temporary and set-aside files of this host's herald processes that died between
 * writing and removing them (a kill at that instant), so none is left next to the log.
 */
function sweepLeftovers(lockPath: string, host: string): void {
  const prefix = `${basename(lockPath)}.${host}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(lockPath));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const match = /^(\d+)\.(?:tmp|stale)$/.exec(name.slice(prefix.length));
    if (match === null || Number(match[1]) === process.pid || pidRuns(Number(match[1]))) continue;
    const path = join(dirname(lockPath), name);
    try {
      if (lstatSync(path).isFile()) unlinkSync(path);
    } catch {
      // Gone already.
    }
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone (or never written).
  }
}

function releaseIfOurs(lockPath: string, host: string): void {
  let holder: LockHolder | null = null;
  try {
    holder = parseHolder(readFileSync(lockPath, 'utf8'));
  } catch {
    return;
  }
  if (holder && holder.pid === process.pid && holder.host === host) removeQuietly(lockPath);
}
