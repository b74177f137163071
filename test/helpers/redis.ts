/**
 * A real redis-server for a test file: started on a free port of 127.0.0.1 with persistence off,
 * emptied between tests, stopped after the file. Without redis-server installed the tests fail,
 * saying how to install it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect, createServer } from 'node:net';
import { Redis } from 'ioredis';

/** A running Redis. */
export interface TestRedis {
  readonly url: string;
  readonly client: Redis;
  /** Every key and its value as text (hashes, streams and lists flattened), for looking for secrets. */
  dump(): Promise<string>;
  stop(): Promise<void>;
}

/** A TCP port nothing listens on now. */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Whether something listens on the port. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Start redis-server; throws naming the install command when it is missing. */
export async function startRedis(options: { password?: string } = {}): Promise<TestRedis> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('redis-server is not installed: apt-get update && apt-get install -y redis-server (bash .ci/run does it)');
  }
  const port = await freePort();
  const auth = options.password === undefined ? [] : ['--requirepass', options.password];
  const server: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'yes', ...auth], { stdio: 'ignore' });
  for (let attempt = 0; !(await accepts(port)); attempt++) {
    if (attempt > 100) throw new Error(`redis-server did not start on port ${port}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const client = new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: 3, ...(options.password === undefined ? {} : { password: options.password }) });
  await client.ping();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    client,
    async dump() {
      const parts: string[] = [];
      for (const key of await client.keys('*')) {
        parts.push(key);
        const type = await client.type(key);
        if (type === 'string') parts.push((await client.get(key)) ?? '');
        else if (type === 'hash') parts.push(JSON.stringify(await client.hgetall(key)));
        else if (type === 'list') parts.push(JSON.stringify(await client.lrange(key, 0, -1)));
        else if (type === 'set') parts.push(JSON.stringify(await client.smembers(key)));
        else if (type === 'zset') parts.push(JSON.stringify(await client.zrange(key, 0, -1)));
        else if (type === 'stream') parts.push(JSON.stringify(await client.xrange(key, '-', '+')));
      }
      return parts.join('\n');
    },
    async stop() {
      client.disconnect();
      server.kill('SIGKILL');
      await new Promise((resolve) => server.once('exit', resolve));
    },
  };
}
