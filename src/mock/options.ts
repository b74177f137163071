/** Parsing of simulator flags shared by every `herald mock` (shares, latencies, ports). */
import { UsageError } from '../errors.js';
import { parseDuration } from '../config/parse-duration.js';

/** A share in [0, 1] (e.g. --fail-rate 0.05; "5%" also works). */
export function parseShare(value: unknown, flag: string): number {
  const text = String(value ?? '0').trim();
  const share = text.endsWith('%') ? Number(text.slice(0, -1)) / 100 : Number(text);
  if (!Number.isFinite(share) || share < 0 || share > 1) throw new UsageError(`${flag} '${text}': expected a share from 0 to 1, like 0.05 or 5%`);
  return share;
}

/** A latency range in ms: "20ms" -> [20, 20]; "10-50ms" -> [10, 50]. */
export function parseLatency(value: unknown, flag: string): readonly [number, number] {
  const text = String(value ?? '0').trim();
  const range = /^(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(text);
  if (range) {
    const unit = range[3] || 'ms';
    const low = parseDuration(`${range[1]}${unit}`, flag);
    const high = parseDuration(`${range[2]}${unit}`, flag);
    if (high < low) throw new UsageError(`${flag} '${text}': the range must go from low to high`);
    return [low, high];
  }
  const single = /^\d+(\.\d+)?$/.test(text) ? Number(text) : parseDuration(text, flag);
  return [single, single];
}

/** A TCP port (0 = any free port). */
export function parsePort(value: unknown, flag = '--port'): number {
  if (value === undefined) return 0;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`${flag} '${String(value)}': expected a port from 0 to 65535`);
  return port;
}
