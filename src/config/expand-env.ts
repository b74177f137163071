/**
 * `${NAME}` references in flag values (a webhook's Authorization header, a token in a URL),
 * expanded from the environment so secrets never have to be typed as flags or stored in the log.
 */
import { ConfigError } from '../errors.js';

const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The environment variables a value refers to. */
export function envReferences(value: string): string[] {
  return [...value.matchAll(REFERENCE)].map((match) => match[1]!);
}

/**
 * Replace `${NAME}` with the variable's value (passed through `encode`, e.g. for a URL); throws
 * ConfigError naming the flag and an unset variable.
 */
export function expandEnv(
  value: string,
  env: Readonly<Record<string, string | undefined>>,
  flag: string,
  encode: (found: string) => string = (found) => found,
): string {
  return value.replace(REFERENCE, (_, name: string) => {
    const found = env[name];
    if (found === undefined) throw new ConfigError(`${flag} refers to \${${name}}, which is not set in the environment`);
    return encode(found);
  });
}
