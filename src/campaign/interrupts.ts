/**
 * SIGINT and SIGTERM during a run: the first stops dispatching and gives the sends in flight
 * `--grace` to finish (then aborts them); the second stops at once. The log stays consistent
 * either way: that is the engine's part; this is only the state machine.
 */

/** What an interrupt acts on. */
export interface Interruptible {
  /** Stop dispatching; sends in flight finish. */
  stop(): void;
  /** Abort the sends in flight. */
  abort(): void;
}

/** What happens on each interrupt, for the user's eyes. */
export interface InterruptHandlers {
  /** The first signal: say that sends in flight get `graceMs` to finish. */
  first(signal: string, graceMs: number): void;
  /** The second signal: the run was aborted; make what was queued durable and leave. */
  second(): void;
}

/** Listens for SIGINT/SIGTERM on `signals` until disposed. */
export function watchInterrupts(signals: NodeJS.EventEmitter, run: Interruptible, graceMs: number, handlers: InterruptHandlers): { dispose(): void } {
  let interrupts = 0;
  let graceTimer: NodeJS.Timeout | undefined;
  const onSignal = (signal: string) => {
    interrupts++;
    if (interrupts === 1) {
      handlers.first(signal, graceMs);
      run.stop();
      graceTimer = setTimeout(() => run.abort(), graceMs);
      return;
    }
    run.abort();
    handlers.second();
  };
  const onSigint = () => onSignal('SIGINT');
  const onSigterm = () => onSignal('SIGTERM');
  signals.on('SIGINT', onSigint);
  signals.on('SIGTERM', onSigterm);
  return {
    dispose() {
      clearTimeout(graceTimer);
      signals.off('SIGINT', onSigint);
      signals.off('SIGTERM', onSigterm);
    },
  };
}
