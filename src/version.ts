/** herald's own version, read from package.json next to dist/. */
import { readFileSync } from 'node:fs';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };

/** The version string printed by --version and written to every run record. */
export const VERSION: string = pkg.version;
