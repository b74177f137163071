/**
 * A setting, not the rows: when a run's first answers are all the same permanent failure (a 404
 * from a wrong --url, a relay refusing every recipient), the cause is almost surely the setting
 * every row shares, and going on would burn the whole list as permanent failures. This watcher is
 * fed the final records of the run's sends, in order; once the first SAME_ANSWER_ROWS all carry
 * the same permanent answer it says to stop, hands back those rows, and from then on marks every
 * further row that gets that answer (sends in flight at the stop), so they can be recorded
 * `failed`/`fatal`: `--resume` sends such rows again once the setting is fixed. Pure.
 */
import type { StopReason } from '../pipeline/stop-reason.js';
import { normalizeReason } from '../results/reason-tally.js';
import type { RowRecord } from '../results/record.js';
import { rowRecord } from '../results/row-record.js';

/** How many first answers, all the same permanent failure, stop a run. */
export const SAME_ANSWER_ROWS = 20;

/** What to do after a record. */
export type SameAnswerVerdict =
  /** Nothing. */
  | { readonly act: 'none' }
  /** Stop the run: `rows` (the first answers) all got the answer `code`/`reason`. */
  | { readonly act: 'stop'; readonly code: string | null; readonly reason: string; readonly rows: readonly RowRecord[] }
  /** After a stop: this row got the same answer too; record it as the stopped rows are. */
  | { readonly act: 'correct' };

const NONE: SameAnswerVerdict = { act: 'none' };
const CORRECT: SameAnswerVerdict = { act: 'correct' };

/** The group an answer belongs to: its code, or its reason when it has no code. */
function answerOf(record: RowRecord): string {
  return record.code ?? `\u0000${normalizeReason(record.error)}`;
}

/** Watches the first answers of a run. */
export class SameAnswerStop {
  private first: RowRecord[] = [];
  private state: 'watching' | 'disarmed' | 'tripped' = 'watching';
  private answer = '';

  constructor(private readonly threshold = SAME_ANSWER_ROWS) {}

  /** Whether the watcher still looks at answers. */
  get watching(): boolean {
    return this.state !== 'disarmed';
  }

  /** Read the final record of a send (not records of rows never sent: invalid, duplicate). */
  observe(record: RowRecord): SameAnswerVerdict {
    if (this.state === 'disarmed') return NONE;
    const permanent = record.status === 'failed' && record.class === 'permanent';
    if (this.state === 'tripped') return permanent && answerOf(record) === this.answer ? CORRECT : NONE;
    if (!permanent || (this.first.length > 0 && answerOf(record) !== this.answer)) {
      this.state = 'disarmed';
      this.first = [];
      return NONE;
    }
    this.answer = answerOf(record);
    this.first.push(record);
    if (this.first.length < this.threshold) return NONE;
    this.state = 'tripped';
    const rows = this.first;
    this.first = [];
    return { act: 'stop', code: record.code, reason: normalizeReason(record.error), rows };
  }
}

/** Where each channel's shared settings live, for the stop message. */
const SETTINGS_BY_CHANNEL: Readonly<Record<string, string>> = {
  webhook: '--url, --method, --header and --body',
  email: 'HERALD_SMTP_URL (the server and its login) and the template\'s From',
  'aliyun-sms': '--sign-name, --template-code and --param',
  twilio: '--from or --messaging-service-sid',
  wechat: '--template-id and --data',
};

/** The stop's one line: the answer, where to look, and how to go on. */
export function sameAnswerMessage(channel: string, answer: { readonly code: string | null; readonly reason: string }, rows: number): string {
  const said = answer.code === null || answer.reason.includes(answer.code) ? answer.reason : `${answer.code}: ${answer.reason}`;
  const where = SETTINGS_BY_CHANNEL[channel] ?? 'the channel\'s settings';
  return (
    `the first ${rows} sends all got the same permanent answer (${said}): a setting all rows share is likely wrong, not the rows — check ${where}. ` +
    `These rows are recorded failed/fatal: once the setting is fixed, --resume sends them (--keep-going sends every row regardless)`
  );
}

/** The same answer, now blamed on a setting: failed/fatal, so `--resume` sends the row again. */
export function blamedOnSetting(record: RowRecord, at: number): RowRecord {
  const { key, code, error, attempts, messageId, idempotencyKey, latencyMs, line, row } = record;
  return rowRecord({ key, status: 'failed', class: 'fatal', code, error, attempts, messageId, idempotencyKey, latencyMs, line, row }, at);
}

/**
 * A run's watch over its first answers (a local run and a run through workers alike): feed it the
 * final record of every send; rows to blame on the setting go to `correct` (which records
 * blamedOnSetting of them), and the stop, once, to `stop`.
 */
export function watchSameAnswer(channel: string, correct: (record: RowRecord) => void, stop: (reason: StopReason) => void): (record: RowRecord) => void {
  const watcher = new SameAnswerStop();
  return (record) => {
    if (!watcher.watching) return;
    const verdict = watcher.observe(record);
    if (verdict.act === 'correct') correct(record);
    if (verdict.act === 'stop') {
      for (const first of verdict.rows) correct(first);
      stop({ kind: 'fatal', detail: sameAnswerMessage(channel, verdict, verdict.rows.length), code: verdict.code });
    }
  };
}
