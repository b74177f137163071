/**
 * Waits that end: with Redis gone, a BullMQ command waits for the server forever (its connections
 * retry without limit, as blocking workers need), so a campaign that is stopping bounds each wait.
 */

/** `promise`'s value, or `fallback` once `ms` have passed (a rejection counts as the fallback too). */
export function within<T>(ms: number, promise: Promise<T>, fallback: T): Promise<T> {
  return new Promise<T>((resolve) => {
    const timer = setTimeout(() => resolve(fallback), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      () => {
        clearTimeout(timer);
        resolve(fallback);
      },
    );
  });
}

/** Resolves once `isSet()` holds, looking every `everyMs`. */
export async function until(isSet: () => boolean, everyMs = 100): Promise<void> {
  while (!isSet()) await new Promise((resolve) => setTimeout(resolve, everyMs));
}

/** The one line for a lost Redis connection: where, and the error's code. */
export function lostRedis(where: string, error: Error): string {
  const code = (error as NodeJS.ErrnoException).code ?? error.message.split('\n')[0]!.slice(0, 80);
  return `lost Redis at ${where} (${code})`;
}
