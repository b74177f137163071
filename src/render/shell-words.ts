/** Quoting of command lines printed for the user to run (resume, retry). */

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** Quote one argument for a POSIX shell. */
export function shellQuote(word: string): string {
  if (word !== '' && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A command line from words. */
export function shellLine(words: readonly string[]): string {
  return words.map(shellQuote).join(' ');
}
