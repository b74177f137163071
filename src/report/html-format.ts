/** Small formatters for the report page: escaped text, numbers with units, inline SVG bars. */
import { formatDuration } from '../config/parse-duration.js';

const NUMBER = new Intl.NumberFormat('en-US');
const RATE = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** Text made safe for HTML content and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A count with thousands separators: 12,345. */
export function count(value: number): string {
  return NUMBER.format(value);
}

/** A latency in ms ("23 ms"), or a dash when unknown. */
export function ms(value: number | null): string {
  return value === null ? '–' : `${NUMBER.format(value)} ms`;
}

/** A share 0..1 as a percentage: 2.5%. */
export function pct(share: number): string {
  return `${RATE.format(Math.round(share * 1000) / 10)}%`;
}

/** A rate in events per second, as precise as it is useful: 0.25/s, 161.6/s, 13,047/s. */
export function perSecond(value: number): string {
  const digits = value >= 1000 ? 0 : value >= 10 ? 1 : 2;
  return `${NUMBER.format(Math.round(value * 10 ** digits) / 10 ** digits)}/s`;
}

/** A duration as herald prints it elsewhere: 6.2s, 3m05s, 1h02m. */
export function duration(valueMs: number): string {
  return formatDuration(valueMs);
}

/** A horizontal bar `share` (0..1) of `width` px, as inline SVG (no style attribute, so the page's CSP holds). */
export function bar(share: number, fill: string, width = 120): string {
  const w = Math.max(0, Math.min(1, share)) * width;
  return `<svg class="bar" width="${width}" height="10" aria-hidden="true"><rect width="${width}" height="10" fill="#eee"/><rect width="${w.toFixed(1)}" height="10" fill="${fill}"/></svg>`;
}
