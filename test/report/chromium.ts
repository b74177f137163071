/**
 * Opens a page in Debian's Chromium (browsers cannot be downloaded here) through playwright-core,
 * with a fresh profile, every request other than the page itself and data: URLs blocked and
 * counted, and every console error and page error collected.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Where Debian's chromium package puts the browser; HERALD_CHROMIUM overrides it. */
export const CHROMIUM = process.env.HERALD_CHROMIUM ?? '/usr/bin/chromium';

/** The flags of a quiet, offline, throwaway browser. */
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** A page opened from a file, with what it tried to do. */
export interface OpenedPage {
  readonly page: Page;
  /** URLs requested other than the page itself and data: URLs (each one blocked). */
  readonly foreignRequests: string[];
  /** Console errors and uncaught page errors. */
  readonly errors: string[];
  close(): Promise<void>;
}

/** Launch Chromium once and open `file` in it; fails with the install command when Chromium is missing. */
export async function openFile(file: string, viewport: { width: number; height: number }): Promise<OpenedPage> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`Chromium is missing at ${CHROMIUM}: install it with \`apt-get update && apt-get install -y chromium\` (or point HERALD_CHROMIUM at a Chromium)`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'herald-chromium-'));
  let context: BrowserContext | undefined;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport, offline: true });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  const url = pathToFileURL(file).href;
  const foreignRequests: string[] = [];
  const errors: string[] = [];
  await context.route('**/*', (route) => (route.request().url() === url ? route.continue() : route.abort()));
  context.on('request', (request) => {
    if (request.url() !== url && !request.url().startsWith('data:')) foreignRequests.push(request.url());
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  await page.goto(url, { waitUntil: 'load' });
  return {
    page,
    foreignRequests,
    errors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
