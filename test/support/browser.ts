/**
 * Headless Chromium for end-to-end tests: plays the user in front of the
 * browser, filling the OpenID Provider's real login and consent pages
 * (node-oidc-provider dev interactions) and its device-code page.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { BrowserLauncher } from '../../lib/interactive/browser.js';
import { TEST_ACCOUNT } from './oidc-provider.js';

export const CHROMIUM_PATH = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const STEP_TIMEOUT_MS = 15_000;
const MAX_STEPS = 8;

export interface SignInOptions {
  username?: string;
  password?: string;
  /** false: stop at the consent page without continuing (the flow then times out). */
  consent?: boolean;
}

export interface TestBrowser {
  /** A launcher that opens the URL in a fresh page and signs in through the provider's pages. */
  launcher(options?: SignInOptions): BrowserLauncher;
  /** Types `userCode` into the provider's device page, confirms, and signs in. */
  enterDeviceCode(verificationUri: string, userCode: string, options?: SignInOptions): Promise<void>;
  /**
   * The text of the page the last launcher or device sign-in ended on. Waits for
   * that run to finish: the flow under test may resolve while the page still settles.
   */
  lastPageText(): Promise<string | undefined>;
  close(): Promise<void>;
}

function isLoopback(url: string): boolean {
  try {
    const { hostname, protocol } = new URL(url);
    if (protocol === 'data:' || protocol === 'about:') return true;
    return hostname === '127.0.0.1' || hostname === 'localhost' || hostname === '[::1]';
  } catch {
    return false;
  }
}

async function changeOf(page: Page, before: string): Promise<void> {
  await page.waitForURL((u) => u.href !== before, { timeout: STEP_TIMEOUT_MS, waitUntil: 'domcontentloaded' });
}

/** Clicks and waits for the next document, even when it has the same URL (a form posting to itself). */
async function clickAndWait(page: Page, selector: string): Promise<void> {
  const navigated = page.waitForEvent('framenavigated', { predicate: (f) => f === page.mainFrame(), timeout: STEP_TIMEOUT_MS });
  // Wait for both together, so a failed click cannot leave the navigation wait unhandled.
  await Promise.all([navigated, page.click(selector, { timeout: STEP_TIMEOUT_MS })]);
  await page.waitForLoadState('domcontentloaded', { timeout: STEP_TIMEOUT_MS });
}

/**
 * Walks the provider's pages until the browser leaves `issuerOrigin`
 * (i.e. reaches the app's redirect URI) or shows `doneText`.
 */
async function signIn(page: Page, issuerOrigin: string, options: SignInOptions, doneText?: string): Promise<void> {
  for (let step = 0; step < MAX_STEPS; step += 1) {
    await page.waitForLoadState('domcontentloaded', { timeout: STEP_TIMEOUT_MS });
    const here = page.url();
    if (new URL(here).origin !== issuerOrigin) return;
    if (doneText && (await page.getByText(doneText).count()) > 0) return;

    if ((await page.locator('input[name="login"]').count()) > 0) {
      await page.fill('input[name="login"]', options.username ?? TEST_ACCOUNT.username);
      await page.fill('input[name="password"]', options.password ?? TEST_ACCOUNT.password);
      await clickAndWait(page, 'button[type="submit"]');
    } else if ((await page.locator('input[name="prompt"][value="consent"]').count()) > 0) {
      if (options.consent === false) return;
      await clickAndWait(page, 'button[type="submit"]');
    } else if ((await page.locator('form[id="op.deviceConfirmForm"]').count()) > 0) {
      await clickAndWait(page, 'button[autofocus][form="op.deviceConfirmForm"]');
    } else {
      // e.g. the form_post auto-submit page: it moves on by itself.
      await changeOf(page, here);
    }
  }
  throw new Error(`Sign-in did not finish after ${MAX_STEPS} pages; stuck at ${page.url()}`);
}

export async function startTestBrowser(): Promise<TestBrowser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'bb-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: CHROMIUM_ARGS,
      timeout: 60_000,
    });
  } catch (e) {
    await rm(userDataDir, { recursive: true, force: true });
    throw e;
  }
  // Tests talk to 127.0.0.1 only: the provider's pages @import web fonts, which must not leave the machine.
  await context.route('**/*', (route) => (isLoopback(route.request().url()) ? route.continue() : route.abort('blockedbyclient')));

  let lastRun: Promise<string | undefined> = Promise.resolve(undefined);
  /** Runs one browser session on a fresh page and records the text it ends on. */
  function track(run: (page: Page) => Promise<void>): Promise<void> {
    const done = (async () => {
      const page = await context.newPage();
      try {
        await run(page);
        return await page.locator('body').innerText({ timeout: STEP_TIMEOUT_MS });
      } finally {
        await page.close();
      }
    })();
    lastRun = done.catch(() => undefined);
    return done.then(() => undefined);
  }

  return {
    launcher(options = {}) {
      return (url) =>
        track(async (page) => {
          await page.goto(url, { timeout: STEP_TIMEOUT_MS, waitUntil: 'domcontentloaded' });
          await signIn(page, new URL(url).origin, options);
        });
    },
    enterDeviceCode(verificationUri, userCode, options = {}) {
      return track(async (page) => {
        await page.goto(verificationUri, { timeout: STEP_TIMEOUT_MS, waitUntil: 'domcontentloaded' });
        await page.fill('input[name="user_code"]', userCode);
        await clickAndWait(page, 'button[type="submit"][form="op.deviceInputForm"]');
        await signIn(page, new URL(verificationUri).origin, options, 'Sign-in Success');
      });
    },
    lastPageText: () => lastRun,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}
