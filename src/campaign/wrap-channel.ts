/** A channel with some members replaced and the rest passed through (methods still run on the channel itself). */
import type { Channel } from '../channels/channel.js';

/** `inner` seen with the members of `own` in place of its own. */
export function overriding<M>(inner: Channel<M>, own: Partial<Record<keyof Channel<M>, unknown>>): Channel<M> {
  return new Proxy(inner, {
    get(target, property) {
      if (Object.hasOwn(own, property)) return own[property as keyof Channel<M>];
      const value: unknown = Reflect.get(target, property, target);
      // Other methods run on the channel itself (its private fields live there).
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
