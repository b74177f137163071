/** Table tests for flag parsing: rates, durations, integers, env files. */
import { describe, expect, it } from 'vitest';
import { parseEnvFile } from '../../src/config/env-file.js';
import { expandEnv } from '../../src/config/expand-env.js';
import { formatDuration, parseDuration } from '../../src/config/parse-duration.js';
import { parseInteger } from '../../src/config/parse-integer.js';
import { formatRate, parseRate } from '../../src/config/parse-rate.js';

describe('parseRate', () => {
  const cases: [string, number][] = [
    ['50/s', 50], // per second
    ['0.5/s', 0.5], // fractions
    ['3000/min', 50], // per minute
    ['100000/h', 100000 / 3600], // per hour
    ['20000/d', 20000 / 86400], // per day
    ['7', 7], // a bare number is per second
    [' 12 / sec ', 12], // spaces and long unit names
    ['.5/m', 0.5 / 60], // leading dot
  ];
  it.each(cases)('%s -> %d per second', (text, expected) => {
    expect(parseRate(text)).toBeCloseTo(expected, 9);
  });
  it.each(['0/s', '-1/s', '5/fortnight', 'fast', '', '1/0'])('refuses %j naming the flag', (text) => {
    expect(() => parseRate(text)).toThrow(/--rate/);
  });
  it('formats rates the way a user writes them', () => {
    expect(formatRate(500)).toBe('500/s');
    expect(formatRate(0.5)).toBe('30/min');
    expect(formatRate(1 / 3600)).toBe('1/h');
  });
});

describe('parseDuration', () => {
  const cases: [string, number][] = [
    ['10s', 10_000], // seconds
    ['500ms', 500], // milliseconds
    ['2m', 120_000], // minutes
    ['1.5s', 1500], // fractions
    ['3', 3000], // a bare number is seconds
    ['1h', 3_600_000], // hours
  ];
  it.each(cases)('%s -> %d ms', (text, ms) => {
    expect(parseDuration(text, '--timeout')).toBe(ms);
  });
  it('refuses nonsense naming the flag', () => {
    expect(() => parseDuration('soon', '--grace')).toThrow(/--grace 'soon'/);
  });
  it('formats durations compactly', () => {
    expect(formatDuration(850)).toBe('850ms');
    expect(formatDuration(12_340)).toBe('12.3s');
    expect(formatDuration(245_000)).toBe('4m05s');
  });
});

describe('parseInteger', () => {
  it('accepts whole numbers in range and names the rule otherwise', () => {
    expect(parseInteger('16', '--concurrency', 1, 1024)).toBe(16);
    expect(() => parseInteger('0', '--concurrency', 1, 1024)).toThrow(/--concurrency '0': expected a whole number from 1 to 1024/);
    expect(() => parseInteger('2.5', '--retries', 0)).toThrow(/at least 0/);
  });
});

describe('env files', () => {
  it('reads KEY=VALUE lines, comments, export and quotes', () => {
    const values = parseEnvFile('# secrets\nexport A=1\nB = "two words"\nC=\'x#y\'\nD=plain # comment\n\n', '.env');
    expect(Object.fromEntries(values)).toEqual({ A: '1', B: 'two words', C: 'x#y', D: 'plain' });
  });
  it('names the file and line of a malformed line', () => {
    expect(() => parseEnvFile('A=1\nthis is not\n', 'prod.env')).toThrow(/prod\.env line 2/);
  });
  it('expands ${VAR} and names an unset variable without leaking values', () => {
    expect(expandEnv('Bearer ${TOKEN}', { TOKEN: 'abc' }, '--header')).toBe('Bearer abc');
    expect(() => expandEnv('Bearer ${NOPE}', {}, '--header Authorization')).toThrow(/--header Authorization refers to \$\{NOPE\}/);
  });
});
