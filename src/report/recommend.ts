/**
 * The one next step a summary recommends, and the notes that explain what no step will send: rows
 * left behind go first (a resume sends them), then failures `herald retry` sends, then permanent
 * failures `--all` sends. Recipients who opted out or do not exist are never suggested for `--all`.
 */
import type { RetryCounts } from './summary.js';
import { plural } from './summary-text.js';

/** What the recommendation looks at. */
export interface NextFacts {
  /** Rows a resume would send: waiting to retry, in flight at a stop, not reached yet. */
  readonly rowsLeft: number;
  /** The command that resumes, or null when there is none to give. */
  readonly resumeCommand: string | null;
  readonly retry: RetryCounts;
  /** `herald retry LOG`. */
  readonly retryCommand: string;
}

/** A step: the command, and what it does in a few words. */
export interface NextStepHint {
  readonly command: string;
  readonly what: string;
}

/** The recommended step (or null) and the notes. */
export interface Recommendation {
  readonly next: NextStepHint | null;
  /** The --json `retryCommand`: what retries this run's failures, or null. */
  readonly retryCommand: string | null;
  /** Lines for the summary's notes: [label, text]. */
  readonly notes: readonly (readonly [string, string])[];
}

/** Recommend one next step. */
export function recommendNext(facts: NextFacts): Recommendation {
  const { retry } = facts;
  const notes: [string, string][] = [];
  if (retry.optedOut > 0) notes.push(['opted out', `${String(retry.optedOut).padStart(7)}  recipients who opted out (Twilio 21610, WeChat 43004/43101): herald never sends to them again`]);
  if (retry.inDoubt > 0) {
    notes.push(['in doubt', `${String(retry.inDoubt).padStart(7)}  may already be delivered (no answer came; the provider cannot be asked): herald retry leaves them; ${facts.retryCommand} --in-doubt resend sends them anyway`]);
  }
  if (retry.unknownMailboxes > 0) notes.push(['no mailbox', `${String(retry.unknownMailboxes).padStart(7)}  mailboxes that do not exist (SMTP 5.1.1): herald retry leaves them out`]);
  const retryCommand = retry.retry > 0 ? facts.retryCommand : retry.withAll > 0 ? `${facts.retryCommand} --all` : null;
  if (facts.rowsLeft > 0 && facts.resumeCommand !== null) {
    return { next: { command: facts.resumeCommand, what: `sends the ${plural(facts.rowsLeft, 'row')} left` }, retryCommand, notes };
  }
  if (retry.retry > 0) return { next: { command: facts.retryCommand, what: `sends the ${plural(retry.retry, 'failed row')} again` }, retryCommand, notes };
  if (retry.withAll > 0) return { next: { command: `${facts.retryCommand} --all`, what: `sends the ${plural(retry.withAll, 'permanent failure')} again` }, retryCommand, notes };
  return { next: null, retryCommand, notes };
}
