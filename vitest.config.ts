import { defineConfig } from 'vitest/config';

// Tests start their own servers on 127.0.0.1; CLI tests run the built dist/ as a process. Most of
// a CLI test's time is spent waiting on child processes and sockets, so test files run three at a
// time even on two cores (vitest's default would run one at a time there).
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 3,
  },
});
