/** Parsing of duration flags (--timeout, --grace): `10s`, `500ms`, `2m`, `1.5s`, `1h`; a bare number is seconds. */
import { UsageError } from '../errors.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, min: 60_000, h: 3_600_000 };
const DURATION = /^\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i;

/** Milliseconds for a duration value; throws UsageError naming the flag and the value. */
export function parseDuration(text: string, flag: string): number {
  const match = DURATION.exec(text);
  const unit = (match?.[2] || 's').toLowerCase();
  const factor = UNIT_MS[unit];
  if (!match || factor === undefined) {
    throw new UsageError(`${flag} '${text}': expected a duration like 500ms, 10s, 2m or 1h`);
  }
  return Math.round(Number(match[1]) * factor);
}

/** A duration in ms, shown compactly (850ms, 12.3s, 4m05s). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const totalSeconds = Math.round(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const mmss = `${minutes}m${String(seconds).padStart(2, '0')}s`;
  return hours > 0 ? `${hours}h${String(minutes).padStart(2, '0')}m` : mmss;
}
