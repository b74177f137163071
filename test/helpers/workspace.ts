/** Per-test surroundings for CLI tests: a temporary folder, and the sinks a test starts, closed after it. */
import { afterEach, beforeEach } from 'vitest';
import { tempDir } from './cli.js';
import { startSink, type Sink } from './sink.js';

export interface Workspace {
  /** This test's temporary folder (removed after the test). */
  readonly dir: string;
  /** Starts a sink on 127.0.0.1 that is closed after the test. */
  startSink(...args: Parameters<typeof startSink>): Promise<Sink>;
}

/** Registers the hooks and returns the current test's workspace. */
export function useWorkspace(): Workspace {
  let current: { dir: string; cleanup: () => void } | undefined;
  const sinks: Sink[] = [];
  beforeEach(() => {
    current = tempDir();
  });
  afterEach(async () => {
    await Promise.all(sinks.splice(0).map((sink) => sink.close()));
    current?.cleanup();
    current = undefined;
  });
  return {
    get dir(): string {
      if (current === undefined) throw new Error('the workspace exists only while a test runs');
      return current.dir;
    },
    async startSink(...args) {
      const sink = await startSink(...args);
      sinks.push(sink);
      return sink;
    },
  };
}
