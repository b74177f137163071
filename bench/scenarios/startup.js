// Start-up: `herald --version` and `herald send --help` versus `node -e 0`, alternating, median ratio.
import { fileURLToPath } from 'node:url';
import { median, timed } from '../lib/processes.js';

const HERALD = fileURLToPath(new URL('../../bin/herald.js', import.meta.url));

export async function startup({ rounds }) {
  const results = [];
  for (const [label, args] of [['herald --version', ['--version']], ['herald send --help', ['send', '--help']]]) {
    const ratios = [];
    const times = [];
    for (let i = 0; i < rounds; i++) {
      const base = await timed(process.execPath, ['-e', '0']);
      const herald = await timed(process.execPath, [HERALD, ...args]);
      ratios.push(herald.ms / base.ms);
      times.push(herald.ms);
    }
    const ratio = median(ratios);
    results.push({ name: `Start-up: ${label} vs node -e 0`, figure: `${median(times).toFixed(0)} ms`, value: ratio, spread: [Math.min(...ratios), Math.max(...ratios)], target: '<= 2x', pass: ratio <= 2, unit: 'ratio' });
  }
  return results;
}
