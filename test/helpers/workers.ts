/**
 * A test file's Redis and herald workers: one redis-server for the file (emptied between tests),
 * and workers started by a test, killed after it. Workers use a short stall timeout, so a dead
 * worker's rows are taken over in seconds.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { spawnHerald } from './cli.js';
import { startRedis, type TestRedis } from './redis.js';

/** The file's Redis and the workers of the current test. */
export interface WorkerPool {
  /** The file's Redis (started before its first test). */
  readonly redis: TestRedis;
  /** Workers started by the current test, in order. */
  readonly workers: ChildProcess[];
  /** Start `count` workers with extra environment; `stderr()` is everything they said so far. */
  start(count: number, env?: Readonly<Record<string, string | undefined>>): { stderr: () => string };
}

/** Registers the hooks and returns the pool. */
export function useWorkers(): WorkerPool {
  let redis: TestRedis | undefined;
  const workers: ChildProcess[] = [];
  beforeAll(async () => {
    redis = await startRedis();
  }, 30_000);
  afterAll(async () => {
    await redis?.stop();
  });
  afterEach(async () => {
    for (const worker of workers.splice(0)) worker.kill('SIGKILL');
    await redis?.client.flushall();
  });
  return {
    get redis() {
      if (!redis) throw new Error('Redis is started before the first test');
      return redis;
    },
    workers,
    start(count, env = {}) {
      let said = '';
      for (let i = 0; i < count; i++) {
        const worker = spawnHerald(['worker', this.redis.url, '--stall-timeout', '2s'], { env });
        worker.stderr!.setEncoding('utf8').on('data', (chunk: string) => (said += chunk));
        workers.push(worker);
      }
      return { stderr: () => said };
    },
  };
}
