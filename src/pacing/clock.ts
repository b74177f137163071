/**
 * The time a run goes by. Pacing, windows, quotas and deadlines read `now()`; waits are converted
 * to real milliseconds by `realMs`, so tests (and only tests, through HERALD_TEST_NOW and
 * HERALD_TEST_CLOCK_SPEED) can run a campaign across a night or a daylight-saving change in seconds.
 */

/** A clock: the current time, and how long a wait of its time takes in real time. */
export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Real milliseconds to wait for `ms` of this clock's time. */
  realMs(ms: number): number;
}

/** The machine's clock. */
export const SYSTEM_CLOCK: Clock = { now: Date.now, realMs: (ms) => ms };

/** A clock that starts at `startMs` and runs `speed` times faster than real time. */
export function scaledClock(startMs: number, speed: number, realNow: () => number = Date.now): Clock {
  const realStart = realNow();
  return {
    now: () => startMs + (realNow() - realStart) * speed,
    realMs: (ms) => ms / speed,
  };
}

/**
 * The clock for a run: the machine's, unless a test set HERALD_TEST_NOW (an ISO 8601 time to
 * start from) and optionally HERALD_TEST_CLOCK_SPEED (how many times faster than real time).
 */
export function clockFromEnv(env: Readonly<Record<string, string | undefined>>): Clock {
  const start = env.HERALD_TEST_NOW;
  if (start === undefined || start === '') return SYSTEM_CLOCK;
  const startMs = Date.parse(start);
  const speed = Number(env.HERALD_TEST_CLOCK_SPEED ?? '1');
  if (Number.isNaN(startMs) || !(speed > 0)) return SYSTEM_CLOCK;
  return scaledClock(startMs, speed);
}
