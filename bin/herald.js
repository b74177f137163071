#!/usr/bin/env -S node --
// The installed `herald` command. `--version` is answered here, before anything else loads;
// everything else runs the compiled CLI. (The `--` in the first line keeps Node from taking
// herald's own --env-file flag as its own.)
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`);
} else {
  await import('../dist/cli.js');
}
