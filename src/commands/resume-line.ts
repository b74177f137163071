/**
 * The `herald send … --resume` command line of a log's run, rebuilt from its run record (every
 * setting but secrets is stored there), for `herald report` to print when rows were left behind.
 */
import { Command } from 'commander';
import { findChannel } from '../channels/registry.js';
import type { RunRecord } from '../results/record.js';
import { addChannelFlags, addFlowFlags, addInputFlags, addLogFlags, addOutputFlags } from './flags.js';
import { shellLine } from '../render/shell-words.js';

/**
 * Settings a resume command leaves out: the run's own (a --limit is what left rows behind, a
 * --not-after deadline has passed), and what resume takes from the log.
 */
const LEFT_OUT: ReadonlySet<string> = new Set(['channel', 'cwd', 'key', 'to', 'resume', 'force', 'dryRun', 'limit', 'out', 'json', 'quiet', 'sample', 'testTo', 'price', 'notAfter']);

/** The flags of `herald send`, by attribute name. */
function sendFlags(): Command {
  const command = new Command('send');
  for (const add of [addInputFlags, (c: Command) => addLogFlags(c, false), addFlowFlags, addOutputFlags, addChannelFlags]) add(command);
  return command;
}

/** `herald send INPUT --channel C … --out LOG --resume` for the run, or null when it read stdin or was a retry. */
export function resumeLineOf(run: RunRecord, log: string): string | null {
  if (run.command !== 'send' || run.input === null || run.input === '-') return null;
  const words = ['herald', 'send', run.input, '--channel', run.channel];
  const settings = run.settings;
  for (const option of sendFlags().options) {
    const name = option.attributeName();
    const value = settings[name];
    const long = option.long;
    if (LEFT_OUT.has(name) || name === 'concurrency' || value === undefined || value === null || long === undefined || option.negate) continue;
    if (Array.isArray(value)) {
      for (const item of value) words.push(long, String(item));
    } else if (typeof value === 'boolean') {
      if (value) words.push(long);
    } else if (String(value) !== String(option.defaultValue)) {
      words.push(long, String(value));
    }
  }
  const concurrency = settings.concurrency;
  // Stored resolved (the channel's default filled in): given only when it differs from that default.
  if (concurrency !== undefined && String(concurrency) !== String(findChannel(run.channel)?.defaultConcurrency)) words.push('--concurrency', String(concurrency));
  words.push('--out', log, '--resume');
  return shellLine(words);
}
