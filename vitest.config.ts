import { defineConfig } from 'vitest/config';

// Tests start their own servers on 127.0.0.1; CLI tests run the built dist/ as a process.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 30_000,
    pool: 'forks',
  },
});
