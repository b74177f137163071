/**
 * The name herald greets the SMTP server with (EHLO). Strict relays refuse a client whose name is
 * not a fully qualified domain; nodemailer greets with `[127.0.0.1]` when the machine's host name
 * has no dot. HERALD_SMTP_NAME sets it; otherwise the machine's host name when it has a dot.
 */
import { isIP } from 'node:net';
import { ConfigError } from '../../errors.js';

/** The environment variable that sets the EHLO name. */
export const SMTP_NAME_VAR = 'HERALD_SMTP_NAME';

const DOMAIN = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const ADDRESS_LITERAL = /^\[(?:IPv6:)?([0-9A-Fa-f:.]+)\]$/;

/**
 * The EHLO name for a run: HERALD_SMTP_NAME (a domain or an address literal like `[192.0.2.1]`;
 * ConfigError otherwise), else `hostname` when it has a dot, else undefined (nodemailer's own).
 */
export function ehloName(configured: string | undefined, hostname: string): string | undefined {
  const name = configured?.trim() ?? '';
  if (name !== '') {
    const literal = ADDRESS_LITERAL.exec(name);
    if (literal !== null ? isIP(literal[1]!) !== 0 : DOMAIN.test(name)) return name;
    throw new ConfigError(`${SMTP_NAME_VAR} '${name}': expected this machine's domain name (mail.shop.example) or an address literal ([192.0.2.1])`);
  }
  if (isIP(hostname) === 4) return `[${hostname}]`;
  return hostname.includes('.') && DOMAIN.test(hostname) ? hostname : undefined;
}
