/** Per-test surroundings for CLI tests: a temporary folder, and the servers a test starts, closed after it. */
import { afterEach, beforeEach } from 'vitest';
import { tempDir } from './cli.js';
import { startSink, type Sink } from './sink.js';

export interface Workspace {
  /** This test's temporary folder (removed after the test). */
  readonly dir: string;
  /** Starts a sink on 127.0.0.1 that is closed after the test. */
  startSink(...args: Parameters<typeof startSink>): Promise<Sink>;
  /** Closes `server` (a simulator, a sink, a channel) after the test, last opened first; returns it. */
  own<T extends Closeable>(server: T): T;
}

interface Closeable {
  close(): Promise<unknown>;
}

/** Registers the hooks and returns the current test's workspace. */
export function useWorkspace(): Workspace {
  let current: { dir: string; cleanup: () => void } | undefined;
  const servers: Closeable[] = [];
  beforeEach(() => {
    current = tempDir();
  });
  afterEach(async () => {
    // Last opened, first closed: a channel goes before the simulator it talks to.
    for (const server of servers.splice(0).reverse()) await server.close();
    current?.cleanup();
    current = undefined;
  });
  return {
    get dir(): string {
      if (current === undefined) throw new Error('the workspace exists only while a test runs');
      return current.dir;
    },
    async startSink(...args) {
      return this.own(await startSink(...args));
    },
    own(server) {
      servers.push(server);
      return server;
    },
  };
}
