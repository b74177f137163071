/**
 * One writer per result log: a `<log>.lock` file holding the owner's pid, host and process start
 * time, created exclusively. A lock whose process no longer runs (or whose pid now belongs to
 * another process) is taken over.
 */
import { linkSync, readFileSync, readlinkSync, realpathSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { hostname } from 'node:os';
import { ConfigError, LogRefusedError } from '../errors.js';

/** What a lock file records about its owner. */
interface LockOwner {
  readonly pid: number;
  readonly host: string;
  /** Process start time (Linux /proc jiffies), to tell a reused pid from the owner. */
  readonly start: string | null;
  readonly since: string;
  readonly command?: string;
}

function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) counted after the ")" that closes the command name.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

function isRunning(owner: LockOwner): boolean {
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const start = processStart(owner.pid);
  return owner.start === null || start === null || start === owner.start;
}

function readOwner(lockPath: string): LockOwner | null {
  try {
    return JSON.parse(readFileSync(lockPath, 'utf8')) as LockOwner;
  } catch {
    return null;
  }
}

/** A held lock; `release()` removes it. */
export interface LogLock {
  release(): void;
}

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

/** Take the lock of the log at `logPath`, or throw LogRefusedError naming the process that holds it. */
export function lockLog(logPath: string, command: string): LogLock {
  const lockPath = `${realLogPath(logPath)}.lock`;
  const owner: LockOwner = {
    pid: process.pid,
    host: hostname(),
    start: processStart(process.pid),
    since: new Date().toISOString(),
    command,
  };
  const temp = `${lockPath}.${process.pid}`;
  try {
    writeFileSync(temp, JSON.stringify(owner) + '\n', { mode: 0o644 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? `the folder ${dirname(logPath)} does not exist` : code === 'EACCES' || code === 'EPERM' ? 'herald may not write there' : code;
    throw new ConfigError(`--out ${logPath}: cannot write the result log there (${why})`);
  }
  try {
    for (let attempt = 0; attempt < 3; attempt++) {
      try {
        linkSync(temp, lockPath);
        const release = () => releaseIfOurs(lockPath);
        // A process that exits at once (a second Ctrl-C) still leaves no lock behind.
        process.once('exit', release);
        return {
          release: () => {
            process.off('exit', release);
            release();
          },
        };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const holder = readOwner(lockPath);
      if (holder && isRunning(holder)) refuse(logPath, holder, owner);
      takeOverStale(lockPath, holder);
    }
    throw new LogRefusedError(`${logPath}: cannot take its lock file ${lockPath}`);
  } finally {
    unlinkSync(temp);
  }
}

function refuse(logPath: string, holder: LockOwner, owner: LockOwner): never {
  const where = holder.host === owner.host ? '' : ` on ${holder.host}`;
  throw new LogRefusedError(
    `${logPath} is in use by another herald (pid ${holder.pid}${where}, since ${holder.since}); wait for it to finish or stop it`,
  );
}

/**
 * Remove a lock whose process is gone. It is first renamed aside, so that of two processes
 * taking it over at once only one removes it; if what was renamed turns out to be a live
 * process's fresh lock, it is put back.
 */
function takeOverStale(lockPath: string, stale: LockOwner | null): void {
  const aside = `${lockPath}.stale.${process.pid}`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return; // Someone else moved it first; the next attempt sees what is there now.
  }
  const moved = readOwner(aside);
  if (moved && isRunning(moved) && (!stale || moved.pid !== stale.pid)) {
    try {
      linkSync(aside, lockPath);
    } catch {
      // A third process holds it now; it will be seen on the next attempt.
    }
  }
  unlinkSync(aside);
}

function releaseIfOurs(lockPath: string): void {
  const holder = readOwner(lockPath);
  if (holder && holder.pid === process.pid && holder.host === hostname()) {
    try {
      unlinkSync(lockPath);
    } catch {
      // Already gone.
    }
  }
}
