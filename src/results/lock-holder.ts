/**
 * What a result log's lock file says about the herald that holds it, and whether that herald
 * still runs. A lock whose content is not a valid holder (torn, hand-edited, pid 0 or -1) proves
 * nothing and may be taken over; a valid holder on another host cannot be checked from here.
 */
import { readFileSync } from 'node:fs';

/** The holder a lock file records. */
export interface LockHolder {
  /** A positive integer: pid 0 and -1 would make `kill(pid, 0)` ask about whole process groups. */
  readonly pid: number;
  readonly host: string;
  /** Process start time (Linux /proc jiffies), to tell a reused pid from the holder. */
  readonly start: string | null;
  /** When the lock was taken (ISO 8601). */
  readonly since: string;
  readonly command?: string;
}

/** The holder a lock file's text names, or null when the text is not a valid holder. */
export function parseHolder(text: string): LockHolder | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return null;
  const { pid, host, start, since, command } = value as Record<string, unknown>;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return null;
  if (typeof host !== 'string' || host === '' || typeof since !== 'string') return null;
  return {
    pid,
    host,
    start: typeof start === 'string' ? start : null,
    since,
    ...(typeof command === 'string' ? { command } : {}),
  };
}

/** A process's start time on Linux (field 22 of /proc/PID/stat), or null where it cannot be read. */
export function processStart(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 22 (starttime) counted after the ")" that closes the command name.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ?? null;
  } catch {
    return null;
  }
}

/** Whether a process with this pid runs on this machine (EPERM: it runs, as another user). */
export function pidRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether a holder on this host still runs: its pid is alive and, where known, started when the lock says. */
export function holderRuns(holder: LockHolder): boolean {
  if (!pidRuns(holder.pid)) return false;
  const start = processStart(holder.pid);
  return holder.start === null || start === null || start === holder.start;
}
