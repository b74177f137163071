/** undici keep-alive dispatchers for HTTP channels: never more connections per origin than allowed. */
import { Agent, Pool } from 'undici';

/** Options shared by herald's HTTP dispatchers. */
export interface HttpPoolOptions {
  /** Connections per origin at most (the run's --concurrency). */
  readonly connections: number;
  /** Per-attempt limit (ms), also used as the connect timeout. */
  readonly timeoutMs: number;
  /** Skip TLS certificate verification (only with --insecure-tls). */
  readonly insecureTls?: boolean;
}

function clientOptions(options: HttpPoolOptions) {
  return {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: {
      timeout: Math.min(options.timeoutMs, 10_000),
      keepAlive: true,
      rejectUnauthorized: options.insecureTls !== true,
    },
  };
}

/** A keep-alive pool to one origin (a provider's endpoint). */
export function createPool(origin: string, options: HttpPoolOptions): Pool {
  return new Pool(origin, clientOptions(options));
}

/** A keep-alive agent for many origins (a templated webhook URL), one capped pool per origin. */
export function createAgent(options: HttpPoolOptions): Agent {
  return new Agent(clientOptions(options));
}
