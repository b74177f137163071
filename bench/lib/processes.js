// Child processes for benchmarks: a sink with an IPC channel, and timed runs of a command with
// their peak RSS (VmHWM, polled from /proc on Linux).
import { fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Start a sink script; resolves with its URL and a `stats()`/`reset()`/`stop()` handle. */
export function startSink(script, env = {}) {
  const child = fork(fileURLToPath(script), [], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env: { ...process.env, ...env } });
  const ask = (message) =>
    new Promise((resolve) => {
      child.once('message', resolve);
      child.send(message);
    });
  return new Promise((resolve) => {
    child.stdout.once('data', (chunk) => {
      resolve({ url: chunk.toString().trim(), stats: () => ask('stats'), reset: () => ask('reset'), stop: () => child.kill('SIGTERM') });
    });
  });
}

function peakRssKb(pid) {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

/** Run a command; resolves with wall ms, exit code, stdout, stderr and peak RSS in MB. */
export function timed(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    let peak = 0;
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const poll = setInterval(() => (peak = Math.max(peak, peakRssKb(child.pid))), 50);
    child.on('error', reject);
    child.on('close', (code) => {
      clearInterval(poll);
      resolve({ ms: performance.now() - started, code, stdout, stderr, peakRssMb: peak / 1024 });
    });
  });
}

/** Median of numbers. */
export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
