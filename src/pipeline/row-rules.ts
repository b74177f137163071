/** Rules a row must pass before it is sent, besides the channel's own checks (the planners ask them). */
import type { RowFields } from '../input/row.js';

/** Checks of a run's settings on single rows. */
export interface RowRules {
  /** Why the row must never be sent (a suppression list names its recipient or key), or null: recorded skipped/suppressed. */
  suppressed?(key: string, fields: RowFields): string | null;
  /** Why the row cannot be sent with this run's settings (a --tz-field value that is no zone), or null: recorded invalid. */
  checkRow?(fields: RowFields): string | null;
}
