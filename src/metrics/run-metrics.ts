/**
 * Prometheus metrics of a send process or a worker, as operators of worker pools watch them:
 * sends by channel, status, class and provider code; the latency of attempts; sends in flight;
 * the rate the run is paced at and whether the provider is throttling it; rows waiting in the
 * queue. Served over HTTP on 127.0.0.1 by default (`--metrics-port`), from prom-client.
 */
import { createServer, type Server } from 'node:http';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ConfigError } from '../errors.js';
import type { RowRecord } from '../results/record.js';

/** Distinct provider codes labelled before the rest are counted as "other" (bounded cardinality). */
const MAX_CODES = 50;

/** Gauges read when Prometheus scrapes (absent: 0). */
export interface MetricsProbes {
  /** Sends in flight now. */
  inFlight?(): number | Promise<number>;
  /** The rate the run is paced at now (sends per second; null: no limit). */
  pacedRate?(): number | null | Promise<number | null>;
  /** 1 while the provider is throttling the run (slowed or paused), else 0. */
  throttled?(): number | Promise<number>;
  /** Rows waiting in the queue (queued and delayed), across machines. */
  waiting?(): number | Promise<number>;
}

/** The metrics of one process. */
export class RunMetrics {
  readonly registry = new Registry();
  private readonly sends: Counter;
  private readonly latency: Histogram;
  private readonly codes = new Set<string>();

  /** What the gauges read; set by whoever knows (the run, the queue), at any time. */
  readonly probes: MetricsProbes = {};

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'herald_process_' });
    this.sends = new Counter({ name: 'herald_sends_total', help: 'Rows finished, by channel, status, class and provider code', labelNames: ['channel', 'status', 'class', 'code'], registers: [this.registry] });
    this.latency = new Histogram({
      name: 'herald_attempt_latency_seconds',
      help: 'Duration of the last attempt of each finished row',
      labelNames: ['channel'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [this.registry],
    });
    const probes = this.probes;
    const gauge = (name: string, help: string, probe: keyof MetricsProbes) =>
      new Gauge({
        name,
        help,
        registers: [this.registry],
        async collect() {
          this.set((await probes[probe]?.()) ?? 0);
        },
      });
    gauge('herald_sends_in_flight', 'Sends in flight now', 'inFlight');
    gauge('herald_paced_rate', 'The rate the run is paced at now, sends per second (0: no limit)', 'pacedRate');
    gauge('herald_throttled', '1 while the provider is throttling the run (slowed or paused)', 'throttled');
    gauge('herald_rows_waiting', 'Rows waiting in the queue (queued or delayed)', 'waiting');
  }

  /** Count a finished row. */
  record(channel: string, record: RowRecord): void {
    if (record.status === 'pending') return;
    let code = record.code ?? '';
    if (!this.codes.has(code)) {
      if (this.codes.size >= MAX_CODES) code = 'other';
      else this.codes.add(code);
    }
    this.sends.inc({ channel, status: record.status, class: record.class ?? '', code });
    if (record.latencyMs !== null) this.latency.observe({ channel }, record.latencyMs / 1000);
  }

  /** Serve `/metrics` on host:port until `close()`; a port in use is one line (exit 2). */
  async serve(port: number, host: string): Promise<Server> {
    const server = createServer((request, response) => {
      if (request.url !== '/metrics') {
        response.writeHead(404).end('see /metrics\n');
        return;
      }
      this.registry.metrics().then(
        (text) => response.writeHead(200, { 'content-type': this.registry.contentType }).end(text),
        (error: unknown) => response.writeHead(500).end(String(error)),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => reject(new ConfigError(`--metrics-port ${port}: cannot listen on ${host} (${error.code ?? error.message})`)));
      server.listen(port, host, resolve);
    });
    server.unref();
    return server;
  }
}

