/** `--rows STATUS[,STATUS…]`: which rows to export, by final status and optionally class (`failed:permanent`). */
import { UsageError } from '../errors.js';

/** Statuses a row can end with. */
export const ROW_STATUSES = ['sent', 'failed', 'invalid', 'skipped', 'pending'] as const;
/** Classes a row record can carry. */
export const ROW_CLASSES = ['ok', 'retryable', 'throttled', 'permanent', 'fatal', 'invalid', 'duplicate', 'suppressed', 'in-doubt'] as const;

/** True when a row with this final status and class is wanted. */
export type RowSelector = (status: string, rowClass: string | null) => boolean;

/** Parse a --rows value; an unknown status or class is a UsageError naming it and the valid ones. */
export function parseRowSelector(text: string): RowSelector {
  const wanted = new Map<string, Set<string> | null>();
  for (const item of text.split(',').map((part) => part.trim())) {
    if (item === '') continue;
    const [status = '', rowClass] = item.split(':', 2).map((part) => part.trim());
    if (!(ROW_STATUSES as readonly string[]).includes(status)) {
      throw new UsageError(`--rows '${text}': unknown status '${status}'; expected ${ROW_STATUSES.join(', ')} (a class may follow a colon: failed:permanent)`);
    }
    if (rowClass !== undefined && !(ROW_CLASSES as readonly string[]).includes(rowClass)) {
      throw new UsageError(`--rows '${text}': unknown class '${rowClass}'; expected ${ROW_CLASSES.join(', ')}`);
    }
    if (rowClass === undefined) wanted.set(status, null);
    else if (wanted.get(status) !== null) wanted.set(status, new Set([...(wanted.get(status) ?? []), rowClass]));
  }
  if (wanted.size === 0) throw new UsageError(`--rows '${text}': name at least one status: ${ROW_STATUSES.join(', ')}`);
  return (status, rowClass) => {
    if (!wanted.has(status)) return false;
    const classes = wanted.get(status);
    return classes === null || classes === undefined || (rowClass !== null && classes.has(rowClass));
  };
}
