/**
 * `--metrics-port`/`--metrics-host`: the metrics endpoint of a run or worker, when asked for. The
 * metrics module (and prom-client) is loaded only then: a run without it does not pay its memory.
 */
import { ConfigError } from '../errors.js';
import type { RunObserver } from '../campaign/run-campaign.js';
import type { RunMetrics } from './run-metrics.js';

/** Start metrics for a run when `--metrics-port` asks for them (null otherwise). */
export async function metricsFromFlags(given: Readonly<Record<string, unknown>>): Promise<RunMetrics | null> {
  if (given.metricsPort === undefined) return null;
  const port = Number(given.metricsPort);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ConfigError(`--metrics-port '${String(given.metricsPort)}': expected a port number, 0 to 65535`);
  const { RunMetrics } = await import('./run-metrics.js');
  const metrics = new RunMetrics();
  await metrics.serve(port, typeof given.metricsHost === 'string' ? given.metricsHost : '127.0.0.1');
  return metrics;
}

/** An observer that also counts every finished row in the metrics (when there are metrics). */
export function observedWithMetrics(observer: RunObserver, metrics: RunMetrics | null, channel: string): RunObserver {
  if (!metrics) return observer;
  return {
    ...observer,
    record(record) {
      metrics.record(channel, record);
      observer.record(record);
    },
  };
}
