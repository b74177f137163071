/**
 * The end of a run for people and scripts: why it stopped, the summary on stderr (this run, and
 * the campaign as a whole), the --json object on stdout, the one command that goes on from here;
 * and the exit status.
 */
import { exitCodeOf, stopDetail, stopMessage, type RunReport } from '../campaign/run-report.js';
import type { CampaignResult } from '../campaign/run-campaign.js';
import type { ExitCode } from '../exit-codes.js';
import { recommendNext } from '../report/recommend.js';
import { plural, summaryText } from '../report/summary-text.js';
import type { Terminal } from './terminal.js';

/** What the end of a run says besides its result. */
export interface RunEndContext {
  readonly command: 'send' | 'retry';
  readonly channel: string;
  /** The result log, or null for a test send (nothing recorded). */
  readonly logPath: string | null;
  /** A title for the summary, e.g. "herald send customers.csv". */
  readonly title: string;
  /** How to run this again to finish it (recommended when rows are left). */
  readonly resumeCommand: string;
  /** How to retry the failures (recommended when rows failed). */
  readonly retryCommand: string;
  /** Input rows no run has reached yet (after --limit or a stop), when the input could be counted. */
  readonly notReached?: number | null;
  /** Rows this run set out to send (herald retry: the failed rows it chose); rows it did not reach are left for the same command again. */
  readonly planned?: number | null;
  /** A test send: the address every message went to, and the command of the real send. */
  readonly testSend?: { readonly to: string; readonly realCommand: string } | null;
  readonly quiet: boolean;
  readonly json: boolean;
  /** What rows deferred by a gate wait for ("their window"), or null when no gate defers rows. */
  readonly waitingFor?: string | null;
}

/** "1942 rows this run; campaign 3000/3000 sent", or "3000 rows" when this run is the whole campaign. */
function rowsTitle(result: CampaignResult, leftPending: number, notReached: number, command: 'send' | 'retry'): string {
  const thisRun = result.summary.rows + leftPending;
  if (!result.campaign) return plural(thisRun, 'row');
  const campaign = result.campaign.counts(leftPending);
  if (!result.campaign.continued && notReached === 0 && command === 'send') return plural(thisRun, 'row');
  return `${plural(thisRun, 'row')} this run; campaign ${campaign.sent}/${campaign.recorded + notReached} sent`;
}

/** Print the end of a run; returns its exit status. */
export function renderRunEnd(result: CampaignResult, context: RunEndContext, terminal: Terminal): ExitCode {
  const { outcome, summary, durationMs } = result;
  const exitCode = exitCodeOf(outcome.stopped, summary);
  const json = summary.toJSON();
  const leftPending = outcome.waiting + outcome.cutOff;
  const notReached = context.notReached ?? 0;
  const status = leftPending > 0 ? { ...json.status, pending: leftPending } : json.status;
  const inFlight = outcome.cutOff;
  const byClass = result.waitingByClass ?? {};
  const waiting = { ...byClass, ...(inFlight > 0 ? { 'in-doubt': (byClass['in-doubt'] ?? 0) + inFlight } : {}) };
  const breakdown = leftPending > 0 ? { ...json.breakdown, pending: waiting } : json.breakdown;
  const sent = summary.count('sent');
  const throughput = durationMs > 0 ? (sent * 1000) / durationMs : 0;
  const fatalRows = json.breakdown.failed?.fatal ?? 0;
  // herald retry stopped early (a quota, a deadline): the chosen rows it never reached are left too.
  const unreached = context.planned == null ? 0 : Math.max(0, context.planned - summary.rows - leftPending - outcome.deferred);
  const rowsLeft = leftPending + notReached + unreached + outcome.deferred + (outcome.stopped ? fatalRows : 0);
  const test = context.testSend ?? null;
  const recommendation = recommendNext({
    rowsLeft: outcome.stopped ? Math.max(rowsLeft, 1) : rowsLeft,
    resumeCommand: test ? null : context.resumeCommand,
    retry: json.retry,
    retryCommand: context.retryCommand,
  });
  const next = test ? { command: test.realCommand, what: 'the real send, once the test looks right' } : recommendation.next;
  if (outcome.stopped) {
    const line = `herald: ${stopMessage(outcome.stopped)}`;
    terminal.err.write(`${outcome.stopped.kind === 'paused' ? line : terminal.color.red(line)}\n`);
    // The summary names the resume command; --quiet silences the summary, never how to go on.
    if (context.quiet && !test) terminal.err.write(`herald: to resume: ${context.resumeCommand}\n`);
  }
  if (!context.quiet) {
    // Why it stopped is the line above; the title says only how it ended.
    const how = !outcome.stopped ? 'done' : outcome.stopped.kind === 'interrupt' ? 'interrupted' : outcome.stopped.kind === 'paused' ? 'paused' : 'stopped';
    const title = test
      ? `${context.title}: ${how} — a test send of ${plural(summary.rows + leftPending, 'row')}, every message to ${test.to}; nothing recorded in the campaign's log`
      : `${context.title}: ${how} — ${rowsTitle(result, leftPending, notReached + outcome.deferred, context.command)}`;
    const notes: (readonly [string, string])[] = [];
    if (outcome.deferred > 0) {
      const waitsFor = context.waitingFor ? ` for ${context.waitingFor}` : '';
      notes.push(['waiting', `${String(outcome.deferred).padStart(7)}  left waiting${waitsFor}: no record yet, --resume sends them`]);
    }
    const text = summaryText(
      { ...json, status, breakdown },
      { title, durationMs, throughput, log: context.logPath, notReached, pacing: result.pacing ?? null, notes: [...notes, ...recommendation.notes], next },
      terminal.color,
    );
    terminal.err.write(text + '\n');
  }
  if (context.json) {
    const campaign = result.campaign?.counts(leftPending) ?? null;
    const report: RunReport = {
      ...json,
      status,
      breakdown,
      command: context.command,
      channel: context.channel,
      log: context.logPath,
      durationMs,
      throughput: Math.round(throughput * 100) / 100,
      stopped: outcome.stopped?.kind ?? null,
      stopReason: stopDetail(outcome.stopped),
      exitCode,
      retryCommand: test ? null : recommendation.retryCommand,
      resumeCommand: !test && (outcome.stopped || rowsLeft > 0) ? context.resumeCommand : null,
      nextCommand: next?.command ?? null,
      pacing: result.pacing ?? { throttledAnswers: 0, lowestRate: null },
      campaign: campaign && { ...campaign, rows: campaign.recorded + notReached + outcome.deferred, notReached },
      testTo: test?.to ?? null,
      deferred: outcome.deferred,
    };
    terminal.out.write(JSON.stringify(report) + '\n');
  }
  return exitCode;
}
