/**
 * The flags of `herald send` and `herald retry`, declared once. Values stay raw here; `settings.ts`
 * checks and resolves them, so a retry can merge a log's stored settings with new flags.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { CHANNELS } from '../channels/registry.js';
import { DEFAULT_GRACE, DEFAULT_IN_DOUBT, DEFAULT_RETRIES, DEFAULT_TIMEOUT, IN_DOUBT_POLICIES, INPUT_FORMATS } from '../config/defaults.js';
import { parseEncodingOption } from '../input/encoding.js';
import { SAME_ANSWER_ROWS } from '../campaign/same-answer-stop.js';

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Checks --encoding as commander parses it, so an unknown name is one usage line (exit 2). */
function encodingArgument(value: string): string {
  try {
    return parseEncodingOption(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

/** Flags that choose and shape the rows. */
export function addInputFlags(command: Command): Command {
  return command
    .addOption(new Option('--channel <name>', `channel to send through: ${CHANNELS.map((c) => c.name).join(', ')}`).helpGroup('Input:'))
    .addOption(new Option('--format <format>', 'input format when the extension does not say (stdin needs it)').choices(INPUT_FORMATS).helpGroup('Input:'))
    .addOption(new Option('--encoding <encoding>', 'input encoding: auto, or any iconv-lite name (utf8, gb18030, gbk, big5, shift_jis, euc-kr, windows-1252, utf16le …); auto: a BOM decides, else UTF-8, else GB18030 unless the text is surely another').argParser(encodingArgument).default('auto').helpGroup('Input:'))
    .addOption(new Option('--to <field>', 'field holding the recipient (default per channel: email, phone, openid)').helpGroup('Input:'))
    .addOption(new Option('--key <field>', "field identifying the recipient for de-duplication, resume and retry (default: the --to field; webhook: 'id')").helpGroup('Input:'))
    .addOption(new Option('--limit <n>', 'send only the first N sendable rows (a test send)').helpGroup('Input:'))
    .addOption(new Option('--dry-run', 'read, validate and render every row; send nothing, write no log; print the first message, a summary and an estimate of the time (and, with --price, the cost)').helpGroup('Input:'))
    .addOption(new Option('--sample <k>', 'with --dry-run or --test-to: K rows spread through the file instead of the first ones').helpGroup('Input:'))
    .addOption(new Option('--test-to <address>', 'a test send to yourself: render the chosen rows (--limit N, default 1, or --sample K) but deliver every message to ADDRESS, recording nothing in the campaign\'s log').helpGroup('Input:'))
    .addOption(new Option('--price <amount>', 'with --dry-run: the price of one SMS segment (or one message on other channels), to estimate the cost: 0.045, 0.045USD, ¥0.04').helpGroup('Input:'));
}

/** Flags of the result log. */
export function addLogFlags(command: Command, forRetry: boolean): Command {
  const out = forRetry ? 'write to this log instead of appending to the one retried' : 'result log (default: <input>.results.jsonl; required with stdin)';
  command.addOption(new Option('--out <path>', out).helpGroup('Result log:'));
  if (!forRetry) {
    command
      .addOption(new Option('--resume', 'continue an existing log: send only what it does not record as done').helpGroup('Result log:'))
      .addOption(new Option('--force', 'append a new run to an existing log, sending every row again with new idempotency keys').helpGroup('Result log:'));
  }
  return command.addOption(
    new Option('--in-doubt <policy>', 'rows whose outcome is unknown (a lost answer, or in flight when a run died): resend (same idempotency key), check with the provider, or fail; auto resends where the provider de-duplicates for good')
      .choices(IN_DOUBT_POLICIES)
      .default(DEFAULT_IN_DOUBT)
      .helpGroup('Result log:'),
  );
}

/** Flags of pacing, concurrency and retries. */
export function addFlowFlags(command: Command): Command {
  return command
    .addOption(new Option('--concurrency <n>', 'sends in flight at most, and connections per host (default per channel)').helpGroup('Flow control:'))
    .addOption(new Option('--rate <rate>', 'sends per unit at most: 50/s, 0.5/s, 3000/min, 100000/h, 20000/d').helpGroup('Flow control:'))
    .addOption(new Option('--burst <n>', 'token bucket size for --rate (default: 50 ms worth, at least 1)').helpGroup('Flow control:'))
    .addOption(new Option('--retries <n>', 'further attempts for transient failures').default(String(DEFAULT_RETRIES)).helpGroup('Flow control:'))
    .addOption(new Option('--timeout <duration>', 'limit for one attempt').default(DEFAULT_TIMEOUT).helpGroup('Flow control:'))
    .addOption(new Option('--grace <duration>', 'on Ctrl-C, how long sends in flight may take to finish').default(DEFAULT_GRACE).helpGroup('Flow control:'))
    .addOption(
      new Option('--keep-going', `do not stop when the first ${SAME_ANSWER_ROWS} answers are all the same permanent failure (by default herald stops there: a wrong --url or a relay refusing everyone would burn the whole list)`).helpGroup(
        'Flow control:',
      ),
    );
}

/** Flags of a run through Redis workers (`herald worker`). */
export function addQueueFlags(command: Command): Command {
  return command
    .addOption(
      new Option('--queue <redis-url>', 'send through the herald workers serving this Redis (redis://host:6379/0; password in HERALD_REDIS_PASSWORD): this process queues the rows and writes the log').helpGroup('Across machines:'),
    )
    .addOption(new Option('--metrics-port <port>', 'serve Prometheus metrics on this port while the run lasts (127.0.0.1 unless --metrics-host)').helpGroup('Across machines:'))
    .addOption(new Option('--metrics-host <host>', 'the address --metrics-port listens on').default('127.0.0.1').helpGroup('Across machines:'));
}

/** Flags of sending windows, deadlines, quotas and suppression lists. */
export function addPoliteFlags(command: Command): Command {
  const group = 'Sending politely:';
  return command
    .addOption(new Option('--window <HH:MM-HH:MM>', "send only while it is between these times for the recipient (09:00-20:00; may cross midnight: 22:00-06:00); rows outside wait, holding no send slot").helpGroup(group))
    .addOption(new Option('--tz <zone>', 'IANA time zone of --window, --not-after and --quota (Asia/Shanghai, America/New_York; default: this machine\'s)').helpGroup(group))
    .addOption(new Option('--tz-field <field>', "field holding a row's own IANA zone for --window (empty: --tz; not a zone: the row is invalid)").helpGroup(group))
    .addOption(new Option('--not-after <time>', 'no send starts after TIME (ISO 8601 with offset, or HH:MM: the next such time in --tz); then exit 75, rows left for --resume').helpGroup(group))
    .addOption(new Option('--quota <N/period>', 'at most N messages per calendar hour or day in --tz (500/h, 2000/d), counted from the result log across runs; reached: exit 75').helpGroup(group))
    .addOption(new Option('--suppress <file>', 'never send to the recipients (or keys) in this list: one per line (# comments), or a CSV/TSV/JSONL whose --to field (else first field) holds them; repeatable').argParser(collect).helpGroup(group));
}

/** Flags of output and environment. */
export function addOutputFlags(command: Command): Command {
  return command
    .addOption(new Option('--json', 'also print the summary as one JSON object on stdout').helpGroup('Output:'))
    .addOption(new Option('-q, --quiet', 'no progress, status lines or summary (warnings and errors still show)').helpGroup('Output:'))
    .addOption(new Option('--env-file <file>', 'read KEY=VALUE secrets from this file (variables already set win)').helpGroup('Output:'));
}

/** Every channel's own flags, once each; a flag several channels share lists what it means to each. */
export function addChannelFlags(command: Command): Command {
  const byFlag = new Map<string, { spec: (typeof CHANNELS)[number]; flag: (typeof CHANNELS)[number]['options'][number] }[]>();
  for (const spec of CHANNELS) {
    for (const flag of spec.options) {
      const long = new Option(flag.flags).long ?? flag.flags;
      byFlag.set(long, [...(byFlag.get(long) ?? []), { spec, flag }]);
    }
  }
  for (const users of byFlag.values()) {
    const { spec, flag } = users[0]!;
    const shared = users.length > 1;
    const description = shared ? sharedDescription(users.map((u) => [u.spec.name, u.flag.description] as const)) : flag.description;
    const option = new Option(flag.flags, description).helpGroup(shared ? 'Shared by several channels:' : `Channel ${spec.name}:`);
    if (flag.repeatable) option.argParser(collect);
    if (flag.defaultValue !== undefined) option.default(flag.defaultValue);
    command.addOption(option);
  }
  return command;
}

/** "webhook, twilio: what it means; email: what it means there" (channels saying the same thing share one entry). */
function sharedDescription(uses: readonly (readonly [string, string])[]): string {
  const byText = new Map<string, string[]>();
  for (const [channel, text] of uses) {
    const plain = text.replace(/^[a-z-]+: /, '');
    byText.set(plain, [...(byText.get(plain) ?? []), channel]);
  }
  return [...byText].map(([text, channels]) => `${channels.join(', ')}: ${text}`).join('; ');
}
