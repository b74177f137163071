/**
 * uPlot's script and stylesheet, read from its npm package when a page is written, so the page
 * carries them inline and never asks a CDN (or anything else) for them.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** uPlot's minified browser build and its CSS. */
export interface UplotAssets {
  readonly script: string;
  readonly style: string;
}

let cached: UplotAssets | undefined;

/** Load (once) uPlot's browser script and stylesheet from node_modules. */
export function uplotAssets(): UplotAssets {
  if (!cached) {
    const require = createRequire(import.meta.url);
    const read = (file: string) => readFileSync(require.resolve(`uplot/dist/${file}`), 'utf8').replace(/\/[/*]# sourceMappingURL=\S*/g, '');
    cached = { script: read('uPlot.iife.min.js'), style: read('uPlot.min.css') };
  }
  return cached;
}
