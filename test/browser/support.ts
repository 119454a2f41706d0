// Browser tests: a sandbox and an Exsync server listening on real ports (fresh test store,
// built web UI), and Debian's Chromium driven by playwright-core. Never a downloaded browser.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningSandbox, startSandbox } from '@exsync/sandbox';
import { DEMO_PASSWORD } from '@exsync/sandbox/seed';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { expect } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { type Crm, createCrm, type User } from '../../src/crm/index.ts';
import { LoginLimiter } from '../../src/http/auth/login-limiter.ts';
import { buildServer } from '../../src/http/server.ts';
import { createLogger } from '../../src/log.ts';
import { createTestStore, type TestStore } from '../support/db.ts';
import { sandboxExchangeService } from '../support/mail-services.ts';

export const CHROMIUM = process.env.EXSYNC_CHROMIUM ?? '/usr/bin/chromium';
/**
 * Where screenshots go: an ignored folder, so that a test run leaves the work tree clean.
 * `npm run screenshots` points this at docs/screenshots to refresh the docs' pictures on purpose.
 */
export const SCREENSHOTS =
  process.env.EXSYNC_SCREENSHOTS ?? join(import.meta.dirname, '..', '..', 'test-output', 'screenshots');

export interface BrowserUser {
  user: User;
  email: string;
  password: string;
}

export interface SignInLabels {
  email: string;
  password: string;
  submit: string;
  signOut: string;
}

export interface BrowserWorld {
  sandbox: RunningSandbox;
  store: TestStore;
  crm: Crm;
  /** Exsync's address, e.g. http://127.0.0.1:41234 */
  url: string;
  admin: BrowserUser;
  sales: BrowserUser;
  browser: Browser;
  /** A fresh browser context (own cookies) at the given width. */
  newPage(options?: { width?: number; height?: number; locale?: string }): Promise<Page>;
  /** Opens Exsync and signs in through the sign-in form (labelled in English unless told). */
  signIn(page: Page, who: BrowserUser, labels?: Partial<SignInLabels>): Promise<void>;
  close(): Promise<void>;
}

/**
 * Builds the web UI from the current sources into a folder of this test file's own, so that a
 * stale web/dist never decides a result and parallel test files do not race on one folder.
 */
export async function buildWebUi(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'exsync-web-'));
  await build({
    configFile: join(import.meta.dirname, '..', '..', 'web', 'vite.config.ts'),
    logLevel: 'warn',
    mode: 'test',
    build: { outDir, emptyOutDir: true, sourcemap: false },
  });
  return outDir;
}

export async function startBrowserWorld(): Promise<BrowserWorld> {
  const webRoot = await buildWebUi();
  const sandbox = await startSandbox({ port: 0, seed: 'demo' });
  const store = await createTestStore();
  const crm = createCrm(store);
  const config = loadConfig(
    {
      EXSYNC_DATABASE_URL: store.url,
      EXSYNC_SECRET_KEY: Buffer.alloc(32, 7).toString('base64'),
      EXSYNC_LOG_LEVEL: 'silent',
    },
    { port: 0 },
  );
  const app = await buildServer({
    store,
    crm,
    config,
    logger: createLogger({ level: 'silent' }),
    loginLimiter: new LoginLimiter(),
    webRoot,
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;

  const { administrators, sales } = await crm.users.ensureAdministratorsRole();
  const make = async (email: string, name: string, role: string): Promise<BrowserUser> => {
    const password = `${name.toLowerCase().replace(/\W/g, '')}-Passw0rd-long`;
    const user = await crm.users.createUser({ email, displayName: name, password, roles: [role] });
    return { user, email, password };
  };
  const admin = await make('admin@exsync.test', 'Alex Admin', administrators.id);
  const salesUser = await make('sam@exsync.test', 'Sam Sales', sales.id);

  const browser = await launchChromium();
  const contexts: BrowserContext[] = [];

  return {
    sandbox,
    store,
    crm,
    url,
    admin,
    sales: salesUser,
    browser,
    async newPage(options = {}) {
      const page = await openPage(browser, url, options);
      contexts.push(page.context());
      return page;
    },
    async signIn(page, who, labels = {}) {
      const l = { email: 'Email', password: 'Password', submit: 'Sign in', signOut: 'Sign out', ...labels };
      await page.goto('/');
      await page.getByLabel(l.email, { exact: true }).fill(who.email);
      await page.getByLabel(l.password, { exact: true }).fill(who.password);
      await page.getByRole('button', { name: l.submit }).click();
      await page.getByRole('button', { name: l.signOut }).waitFor();
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => {});
      await browser.close();
      await app.close();
      await store.destroy();
      await sandbox.close();
      rmSync(webRoot, { recursive: true, force: true });
    },
  };
}

/** Debian's Chromium, headless, as every browser test drives it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

/** A page in a fresh context (own cookies) on `baseURL`, in a fixed locale and zone for stable pictures. */
export async function openPage(
  browser: Browser,
  baseURL: string,
  options: { width?: number; height?: number; locale?: string } = {},
): Promise<Page> {
  const context = await browser.newContext({
    baseURL,
    viewport: { width: options.width ?? 1280, height: options.height ?? 800 },
    locale: options.locale ?? 'en-GB',
    timezoneId: 'Europe/Berlin',
  });
  const page = await context.newPage();
  // Shorter than a test's own limit, so that a failure names the element it waited for.
  page.setDefaultTimeout(15_000);
  return page;
}

/** Writes <SCREENSHOTS>/<name>.png; the README and docs show those refreshed by `npm run screenshots`. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  // Spinners and a blinking caret would make every run's pictures differ.
  await page.screenshot({
    path: join(SCREENSHOTS, `${name}.png`),
    fullPage: true,
    animations: 'disabled',
    caret: 'hide',
  });
}

/** Calls the API with the page's session, as the UI does (CSRF token included). */
export async function callAs(
  page: Page,
  method: string,
  url: string,
  data?: unknown,
): Promise<{ status: number; body: any }> {
  const me = await page.request.get('/api/v1/me');
  const csrf = (await me.json()).csrfToken as string;
  const response = await page.request.fetch(url, {
    method,
    headers: { 'x-csrf-token': csrf, ...(data === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(data === undefined ? {} : { data: JSON.stringify(data) }),
  });
  return { status: response.status(), body: await response.json().catch(() => null) };
}

/** Like callAs, for a call that must succeed: expects a 2xx answer and returns its body. */
export async function callOk(
  page: Page,
  method: string,
  url: string,
  data?: unknown,
): Promise<Awaited<ReturnType<typeof callAs>>['body']> {
  const answer = await callAs(page, method, url, data);
  expect(answer.status, `${method} ${url}: ${JSON.stringify(answer.body)}`).toBeLessThan(300);
  return answer.body;
}

/** Adds a mail service as the user signed in on `page` (an administrator); returns the service. */
export async function addMailService(
  page: Page,
  service: Record<string, unknown>,
): Promise<{ id: string } & Record<string, unknown>> {
  const added = await callAs(page, 'POST', '/api/v1/mail-services', service);
  expect(added.status, JSON.stringify(added.body)).toBe(201);
  return added.body;
}

/**
 * Adds the sandbox's Exchange service (serving example.test) and connects the sandbox mailbox
 * `address` with its password, as the administrator signed in on `page`; returns the mailbox id.
 */
export async function connectSandboxMailbox(
  page: Page,
  world: BrowserWorld,
  address: string,
  password = DEMO_PASSWORD,
): Promise<string> {
  await addMailService(page, sandboxExchangeService(world.sandbox));
  const mailbox = await callAs(page, 'POST', '/api/v1/mailboxes', { address, password });
  expect(mailbox.status, JSON.stringify(mailbox.body)).toBe(201);
  return mailbox.body.mailbox.id as string;
}

/**
 * Fills the mail service form (Settings → Mail services → Add) for the sandbox's Exchange
 * Server, serving example.test, under `name`; the caller submits it.
 */
export async function fillSandboxExchangeForm(page: Page, world: BrowserWorld, name: string): Promise<void> {
  await page.getByLabel('Type of mail service').selectOption('exchange');
  await page.getByLabel('Service address').fill(`${world.sandbox.httpsUrl}/EWS/Exchange.asmx`);
  await page.getByLabel('Service name').fill(name);
  await page.getByLabel('Login format').selectOption('email');
  await page.getByLabel('Authentication method').selectOption('basic');
  await page.getByLabel('Served email domains').fill('example.test');
  await page.getByText('Certificate, private network and sign-in authority').click();
  await page.getByLabel('CA certificate (PEM)').fill(world.sandbox.caPem);
  await page.getByLabel(/Allow private addresses/).check();
}

/** How many pixels the page is wider than the window: above 0, the page scrolls sideways. */
export function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');
}

/** The id, name or text of the element that has the keyboard focus (BODY when none has). */
export function focused(page: Page): Promise<string> {
  return page.evaluate<string>(`(() => {
    const e = document.activeElement;
    if (!e || e === document.body) return 'BODY';
    const label = e.labels && e.labels[0] ? e.labels[0].textContent : '';
    return (label || e.getAttribute('aria-label') || e.textContent || e.id || e.tagName).trim();
  })()`);
}

/** Elements matching `selector` whose content is wider than they are (cut off or scrolling). */
export function tooWide(page: Page, selector: string): Promise<string[]> {
  return page.evaluate<string[]>(`[...document.querySelectorAll(${JSON.stringify(selector)})]
    .filter((e) => e.getClientRects().length > 0 && e.scrollWidth > e.clientWidth + 1)
    .map((e) => e.className + ': ' + (e.textContent || '').trim().slice(0, 60))`);
}

/**
 * Texts inside elements matching `selector` that wrap in the middle of a word: a line ends
 * with a letter or digit and the next begins with one.
 */
export function midWordBreaks(page: Page, selector: string): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const found = [];
    const word = /[\\p{L}\\p{N}]/u;
    for (const element of document.querySelectorAll(${JSON.stringify(selector)})) {
      const chars = [];
      const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        // Text for screen readers only, and text not shown (a closed details), has no lines.
        const parent = node.parentElement;
        if (!parent || parent.closest('.visually-hidden') || !parent.checkVisibility()) continue;
        for (let i = 0; i < node.data.length; i++) {
          const range = document.createRange();
          range.setStart(node, i);
          range.setEnd(node, i + 1);
          const rect = range.getClientRects()[0];
          if (rect && rect.width > 0) chars.push({ c: node.data[i], top: rect.top });
        }
      }
      for (let i = 1; i < chars.length; i++) {
        if (chars[i].top > chars[i - 1].top + 4 && word.test(chars[i - 1].c) && word.test(chars[i].c)) {
          found.push((element.textContent || '').trim().slice(0, 80));
          break;
        }
      }
    }
    return found;
  })()`);
}
