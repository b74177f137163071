/** What the input stage yields: one item per record of the recipient file. */

/** A row's fields as read: strings for CSV/TSV, any JSON value for JSONL. */
export type RowFields = Readonly<Record<string, unknown>>;

/** A record that parsed into fields. */
export interface InputRow {
  readonly kind: 'row';
  /** 1-based record number in the input, header not counted (the result log's `line`). */
  readonly line: number;
  /** 1-based physical line of the file where the record starts, for messages. */
  readonly sourceLine: number;
  readonly fields: RowFields;
}

/** A record that could not be parsed (wrong field count, broken JSON): recorded `invalid`. */
export interface MalformedRow {
  readonly kind: 'malformed';
  readonly line: number;
  readonly sourceLine: number;
  /** One line saying what is wrong, e.g. "expected 4 fields, found 5". */
  readonly reason: string;
  /** Whatever fields could be recovered (may be empty), kept in the log for the user. */
  readonly fields: RowFields;
}

/** One item of the input stream. */
export type InputItem = InputRow | MalformedRow;
