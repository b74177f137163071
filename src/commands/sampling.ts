/** The rules of the flags that choose rows for a look or a test (--sample, --test-to, --price), checked before anything is read. */
import type { RunSettings } from '../campaign/settings.js';
import { UsageError } from '../errors.js';

/** Throws UsageError when --sample, --test-to or --price are used where they mean nothing. */
export function checkSampling(input: string, settings: RunSettings): void {
  const { sample, testTo, dryRun } = settings;
  if (sample !== null && !dryRun && testTo === null) {
    throw new UsageError('--sample chooses rows for --dry-run or --test-to: add one of them (a real send goes through every row)');
  }
  if (sample !== null && settings.limit !== null) throw new UsageError('--sample and --limit both choose rows: use one of them');
  if (sample !== null && input === '-') throw new UsageError('--sample spreads rows through a file, and stdin can be read only once: use --limit N');
  if (testTo !== null && settings.toField === null) {
    throw new UsageError(`--test-to replaces the recipient field, and the ${settings.spec.name} channel has none: point --url at a test endpoint instead`);
  }
  if (settings.raw.price !== undefined && !dryRun) throw new UsageError('--price is for the estimate of --dry-run: add --dry-run');
  if (testTo !== null && !dryRun && typeof settings.raw.queue === 'string') throw new UsageError('--test-to sends from this machine, to you: leave out --queue');
  if (testTo !== null && !dryRun && (settings.raw.resume === true || settings.raw.force === true)) {
    throw new UsageError('--test-to records nothing in the campaign\'s log: leave out --resume and --force');
  }
}
