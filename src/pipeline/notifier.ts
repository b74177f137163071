/** Wakes the send loop when something it waits for may have changed (a send finished, a retry was queued, a stop). */

/** A broadcast wake-up: `wait()` resolves on the next `notify()`. */
export class Notifier {
  private waiters: (() => void)[] = [];

  /** Wake every current waiter. */
  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /** Resolves on the next notify(). */
  wait(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /**
   * Wait for `promise`, a notify() or `timeoutMs`, whichever comes first: the promise's value,
   * or undefined when woken or timed out.
   */
  async race<T>(promise: Promise<T> | null, timeoutMs?: number): Promise<T | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const racers: Promise<T | undefined>[] = [this.wait().then(() => undefined)];
    if (promise) racers.push(promise);
    if (timeoutMs !== undefined) racers.push(new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs, undefined))));
    try {
      return await Promise.race(racers);
    } finally {
      clearTimeout(timer);
    }
  }
}
