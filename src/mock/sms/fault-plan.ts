/**
 * Fault injection for the SMS simulators: `--fault NAME=WHEN`, where NAME is a provider error
 * code or one of the behaviours `hang` (accept, never answer), `late` (accept, answer late) and
 * `drop` (close the connection, accept nothing), and WHEN is a rate (`0.05`, `5%`), `first:N`
 * (the first N send requests) or `after:N` (once N messages are accepted; like a balance that
 * runs out). Random picks come from a seeded generator, so a run can be replayed.
 */
import { ConfigError } from '../../errors.js';

/** Behaviours that are not an error answer. */
export type FaultBehaviour = 'hang' | 'late' | 'drop';

/** When a fault applies. */
type Trigger =
  | { readonly kind: 'rate'; readonly rate: number }
  | { readonly kind: 'first'; readonly count: number }
  | { readonly kind: 'after'; readonly count: number };

/** One parsed `--fault`. */
export interface FaultRule {
  /** A behaviour, or the provider code to answer. */
  readonly name: string;
  readonly trigger: Trigger;
}

/** What the simulator has seen so far, which triggers depend on. */
export interface FaultState {
  /** Send requests received before this one. */
  readonly sendRequests: number;
  /** Messages accepted so far. */
  readonly accepted: number;
  /** Messages this request would add. */
  readonly messages: number;
}

const BEHAVIOURS = new Set<string>(['hang', 'late', 'drop']);

/** True when a picked fault is a behaviour rather than an error code. */
export function isBehaviour(name: string): name is FaultBehaviour {
  return BEHAVIOURS.has(name);
}

function parseTrigger(text: string, flag: string): Trigger {
  const count = /^(first|after):(\d+)$/.exec(text);
  if (count) return { kind: count[1] as 'first' | 'after', count: Number(count[2]) };
  const percent = text.endsWith('%');
  const rate = Number(percent ? text.slice(0, -1) : text) / (percent ? 100 : 1);
  if (text === '' || !Number.isFinite(rate) || rate < 0 || rate > 1) {
    throw new ConfigError(`${flag}: WHEN must be a rate (0.05 or 5%), first:N or after:N, got '${text}'`);
  }
  return { kind: 'rate', rate };
}

/** Parse `--fault NAME=WHEN` values; `known` tells which names the simulator can answer. */
export function parseFaults(values: readonly string[], known: (name: string) => boolean): FaultRule[] {
  return values.map((value) => {
    const eq = value.lastIndexOf('=');
    const name = eq === -1 ? '' : value.slice(0, eq).trim();
    if (name === '' || (!isBehaviour(name) && !known(name))) {
      throw new ConfigError(`--fault must be NAME=WHEN with NAME an error code this simulator knows or hang|late|drop, got '${value}'`);
    }
    return { name, trigger: parseTrigger(value.slice(eq + 1).trim(), `--fault ${name}`) };
  });
}


/** Decides, for each send request, which fault (if any) it meets: the first rule that fires wins. */
export class FaultPlan {
  constructor(
    private readonly rules: readonly FaultRule[],
    private readonly random: () => number,
  ) {}

  /** The fault for the next send request, or null. */
  pick(state: FaultState): string | null {
    for (const rule of this.rules) {
      const { trigger } = rule;
      if (trigger.kind === 'first' && state.sendRequests < trigger.count) return rule.name;
      if (trigger.kind === 'after' && state.accepted + state.messages > trigger.count) return rule.name;
      if (trigger.kind === 'rate' && trigger.rate > 0 && this.random() < trigger.rate) return rule.name;
    }
    return null;
  }
}
