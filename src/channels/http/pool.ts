/** undici keep-alive dispatchers for HTTP channels: never more connections per origin than allowed. */
import { Agent, Pool } from 'undici';
import { WarmConnector } from './warm-connector.js';

/** Options shared by herald's HTTP dispatchers. */
export interface HttpPoolOptions {
  /** Connections per origin at most (the run's --concurrency). */
  readonly connections: number;
  /** Per-attempt limit (ms), also used as the connect timeout. */
  readonly timeoutMs: number;
  /** Skip TLS certificate verification (only with --insecure-tls). */
  readonly insecureTls?: boolean;
}

function connectOptions(options: HttpPoolOptions) {
  return {
    timeout: Math.min(options.timeoutMs, 10_000),
    keepAlive: true,
    rejectUnauthorized: options.insecureTls !== true,
  };
}

function clientOptions(options: HttpPoolOptions, connector?: WarmConnector) {
  return {
    connections: options.connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    keepAliveMaxTimeout: 600_000,
    headersTimeout: 0,
    bodyTimeout: 0,
    connect: connector === undefined ? connectOptions(options) : connector.connect,
  };
}

/** A connector with undici's settings for these options, whose first connection can be opened ahead (the preflight). */
export function createWarmConnector(options: HttpPoolOptions): WarmConnector {
  return new WarmConnector(connectOptions(options));
}

/** A keep-alive pool to one origin (a provider's endpoint). */
export function createPool(origin: string, options: HttpPoolOptions): Pool {
  return new Pool(origin, clientOptions(options));
}

/** A keep-alive agent for many origins (a templated webhook URL), one capped pool per origin; `connector` opens its connections. */
export function createAgent(options: HttpPoolOptions, connector?: WarmConnector): Agent {
  return new Agent(clientOptions(options, connector));
}
