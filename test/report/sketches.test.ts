/** The bounded parts of the report's statistics: latency sketch, time buckets, peak rate, domains. */
import { describe, expect, it } from 'vitest';
import { domainOf, DomainStats, MAX_DOMAINS, OTHER_DOMAINS } from '../../src/report/domain-stats.js';
import { LatencySketch, sketchBucket, SKETCH_BUCKETS } from '../../src/report/latency-sketch.js';
import { histogramOf } from '../../src/report/page-data.js';
import { PeakRate } from '../../src/report/peak-rate.js';
import { MAX_POINTS, TimeSeries } from '../../src/report/time-series.js';

describe('LatencySketch', () => {
  it('gives percentiles within 5% of the exact ones, in a fixed number of buckets', () => {
    const sketch = new LatencySketch();
    const values = Array.from({ length: 10_000 }, (_, i) => 5 + ((i * 7919) % 2000));
    for (const v of values) sketch.add(v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0.5, 0.95, 0.99]) {
      const exact = sorted[Math.ceil(q * sorted.length) - 1]!;
      expect(Math.abs(sketch.quantile(q)! - exact) / exact).toBeLessThan(0.05);
    }
    expect(sketch.counts.length).toBe(SKETCH_BUCKETS);
  });

  it.each([
    [0, 0], // below 1 ms: bucket 0
    [0.5, 0],
    [1, 1], // 1 ms starts the first log bucket
    [2, 9], // one doubling later: eight buckets on
    [1e12, SKETCH_BUCKETS - 1], // beyond the range: the last bucket
  ])('puts %d ms in bucket %d', (ms, bucket) => {
    expect(sketchBucket(ms)).toBe(bucket);
  });

  it('has no percentile when empty, and merges counts', () => {
    const a = new LatencySketch();
    expect(a.quantile(0.5)).toBeNull();
    const b = new LatencySketch();
    b.add(100);
    a.merge(b);
    expect(a.count).toBe(1);
    expect(Math.abs(a.quantile(0.5)! - 100)).toBeLessThan(5);
  });

  it('draws as bars a quarter doubling wide, trimmed to the values seen', () => {
    const sketch = new LatencySketch();
    [10, 10, 11, 40].forEach((v) => sketch.add(v));
    const bars = histogramOf(sketch);
    expect(bars.count.reduce((a, b) => a + b, 0)).toBe(4);
    expect(bars.count[0]).toBeGreaterThan(0);
    expect(bars.count.at(-1)).toBeGreaterThan(0);
    bars.low.forEach((low, i) => expect(bars.high[i]! / low).toBeCloseTo(2 ** 0.25, 1));
  });
});

describe('TimeSeries', () => {
  it('keeps one-second buckets for a short run', () => {
    const series = new TimeSeries();
    series.add(0.2, 'ok', 10);
    series.add(0.9, 'ok', 30);
    series.add(2.5, 'throttled', 50);
    const json = series.toJSON();
    expect(json.width).toBe(1);
    expect(json.x).toEqual([0, 1, 2]);
    expect(json.perSecond.ok).toEqual([2, 0, 0]);
    expect(json.throttled).toEqual([0, 0, 1]);
    expect(json.p50[1]).toBeNull();
  });

  it('keeps eighth-of-a-second buckets for a short, busy run (20 or more attempts a bucket)', () => {
    const series = new TimeSeries();
    for (let i = 0; i < 400; i++) series.add(i / 200, 'ok', 5);
    const json = series.toJSON();
    expect(json.width).toBe(1 / 8);
    expect(json.x).toHaveLength(16);
    expect(json.perSecond.ok[0]).toBe(200); // 25 attempts in the first eighth of a second
  });

  it('stays under MAX_POINTS for a day-long run by widening buckets, and keeps every attempt', () => {
    const series = new TimeSeries();
    const day = 86_400;
    for (let s = 0; s < day; s += 7) series.add(s, 'ok', 20);
    const json = series.toJSON();
    expect(json.x.length).toBeLessThanOrEqual(MAX_POINTS);
    expect(json.width).toBeGreaterThanOrEqual(day / MAX_POINTS);
    const total = json.perSecond.ok.reduce((sum, perSecond) => sum + perSecond * json.width, 0);
    // Rates are rounded to 1/1000 per second for the page: the sum stays within 1%.
    expect(Math.abs(total - Math.ceil(day / 7)) / Math.ceil(day / 7)).toBeLessThan(0.01);
  });
});

describe('PeakRate', () => {
  it('finds the busiest second even when records arrive a little out of order', () => {
    const peak = new PeakRate();
    for (let s = 0; s < 100; s++) {
      for (let i = 0; i < (s === 40 ? 9 : 3); i++) peak.add(s * 1000 + i);
      if (s === 50) peak.add(40_500); // ten seconds late, but within the open window
    }
    expect(peak.peak).toBe(10);
  });
});

describe('DomainStats', () => {
  it.each([
    ['Ann@Example.COM', 'example.com'],
    ['"A" <a@b.cn>', 'b.cn'],
    ['no-at-sign', '(no domain)'],
    [null, '(no domain)'],
  ])('domainOf(%j) is %s', (address, domain) => {
    expect(domainOf(address)).toBe(domain);
  });

  it('counts rows, failures and p95 per domain, and lumps domains past the bound together', () => {
    const stats = new DomainStats();
    stats.add('a@x.com', false, 10);
    stats.add('b@x.com', true, 20);
    stats.add('c@y.com', false, null);
    expect(stats.top(1)).toEqual([{ domain: 'x.com', rows: 2, failed: 1, failureRate: 0.5, p95: expect.any(Number) }]);
    for (let i = 0; i < MAX_DOMAINS + 50; i++) stats.add(`u@d${i}.com`, false, 5);
    expect(stats.size).toBe(MAX_DOMAINS + 1);
    expect(stats.top(MAX_DOMAINS + 1).find((d) => d.domain === OTHER_DOMAINS)?.rows).toBeGreaterThanOrEqual(50);
  });
});
