/**
 * A channel seen through the run's redactor: every text the channel hands back (a result's detail,
 * code and message id, a reconciliation's detail, a preflight's answer, a row's invalid reason,
 * the --dry-run description, and what its exceptions say) has the run's secrets replaced by
 * `[redacted]`. The command layer wraps every channel it creates, so no channel can forget it;
 * members it does not know are passed through untouched, so the channel interface can grow.
 */
import type { Channel, Prepared, Reconciliation, SendResult } from './channel.js';
import type { Secrets } from './secrets.js';

/** A result with its texts redacted (the same object when nothing changed). */
export function redactResult(result: SendResult, secrets: Secrets): SendResult {
  if (secrets.size === 0) return result;
  const code = result.code === null ? null : secrets.redact(result.code);
  const detail = result.detail === undefined ? undefined : secrets.redact(result.detail);
  const messageId = result.messageId === undefined ? undefined : secrets.redact(result.messageId);
  if (code === result.code && detail === result.detail && messageId === result.messageId) return result;
  return {
    ...result,
    code,
    ...(detail !== undefined ? { detail } : {}),
    ...(messageId !== undefined ? { messageId } : {}),
  };
}

function redactReconciliation(answer: Reconciliation, secrets: Secrets): Reconciliation {
  const detail = answer.detail === undefined ? undefined : secrets.redact(answer.detail);
  const messageId = answer.messageId === undefined ? undefined : secrets.redact(answer.messageId);
  if (detail === answer.detail && messageId === answer.messageId) return answer;
  return { ...answer, ...(detail !== undefined ? { detail } : {}), ...(messageId !== undefined ? { messageId } : {}) };
}

/** An exception's message and stack, redacted in place (a throw from a channel is a bug, but its text is still printed). */
function redactError(error: unknown, secrets: Secrets): unknown {
  if (error instanceof Error) {
    error.message = secrets.redact(error.message);
    if (error.stack !== undefined) error.stack = secrets.redact(error.stack);
  }
  return error;
}

/**
 * The answer of `work`, cleaned, or its error redacted (thrown at once or rejected). One promise a
 * call, no async frame: this wraps every send of the run.
 */
function guarded<T>(work: () => Promise<T>, clean: (value: T) => T, secrets: Secrets): Promise<T> {
  let pending: Promise<T>;
  try {
    pending = work();
  } catch (error) {
    return Promise.reject(redactError(error, secrets));
  }
  return pending.then(clean, (error: unknown) => {
    throw redactError(error, secrets);
  });
}

/** The members whose answers carry text, each with its redacting replacement. */
function replacements<M>(inner: Channel<M>, secrets: Secrets): Partial<Record<keyof Channel<M>, unknown>> {
  const result = (r: SendResult) => redactResult(r, secrets);
  return {
    prepare: (fields: Parameters<Channel<M>['prepare']>[0]): Prepared<M> => {
      const prepared = inner.prepare(fields);
      return prepared.ok ? prepared : { ok: false, reason: secrets.redact(prepared.reason) };
    },
    send: (message: M, ctx: Parameters<Channel<M>['send']>[1]) => guarded(() => inner.send(message, ctx), result, secrets),
    describe: (message: M, idempotencyKey: string) => secrets.redact(inner.describe(message, idempotencyKey)),
    ...(inner.sendBatch
      ? { sendBatch: (batch: Parameters<NonNullable<Channel<M>['sendBatch']>>[0], signal: AbortSignal) => guarded(() => inner.sendBatch!(batch, signal), (all) => all.map(result), secrets) }
      : {}),
    ...(inner.reconcile
      ? { reconcile: (message: M, ctx: Parameters<NonNullable<Channel<M>['reconcile']>>[1]) => guarded(() => inner.reconcile!(message, ctx), (a) => redactReconciliation(a, secrets), secrets) }
      : {}),
    ...(inner.verify ? { verify: (signal: AbortSignal) => guarded(() => inner.verify!(signal), (r) => (r === null ? null : result(r)), secrets) } : {}),
  };
}

/** Wrap a channel so that nothing it says carries a secret registered on `secrets`. */
export function redacting<M>(inner: Channel<M>, secrets: Secrets): Channel<M> {
  const own = replacements(inner, secrets);
  return new Proxy(inner, {
    get(target, property) {
      if (Object.hasOwn(own, property)) return own[property as keyof Channel<M>];
      const value: unknown = Reflect.get(target, property, target);
      // Other methods run on the channel itself (its private fields live there).
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
