/// <reference lib="dom" />
// (The callbacks passed to page.evaluate and waitForFunction run in the page.)
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DistributedLock } from '../src/redis/distributed-lock.js';
import { JOB_NAMES } from '../src/jobs/job-schedule.js';
import { createAccount, TEST_PASSWORD } from './support/accounts.js';
import { insertCustomer, insertMenuItem, insertRestaurant } from './support/fixtures.js';
import { startTestApp, type TestApp } from './support/test-app.js';
import { eventually } from './support/eventually.js';

/*
 * The operations page in a real browser: Debian's Chromium driven by playwright-core. Outside CI a
 * machine without Chromium skips the suite (saying so); under CI=true a missing Chromium fails it.
 * Screenshots of every view at 1440 px (light) and 375 px (dark) go to OPS_SCREENSHOTS_DIR (default:
 * a directory under the system temp dir); docs/screenshots holds the committed ones.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = process.env.OPS_SCREENSHOTS_DIR ?? join(tmpdir(), 'tiffin-ops-screenshots');
const VIEWS = ['overview', 'cache', 'jobs', 'alerts', 'orders'] as const;
const found = existsSync(CHROMIUM);
const inCi = process.env.CI === 'true';

if (!found && !inCi) console.log(`SKIPPED: the operations page browser tests need Chromium at ${CHROMIUM} (apt-get install chromium)`);

const numberIn = async (page: Page, selector: string): Promise<number> => Number(await page.locator(selector).getAttribute('data-value'));

(found || inCi ? describe : describe.skip)('operations page in Chromium', () => {
  let t: TestApp;
  let browser: Browser;
  let restaurant: number;
  let dish: number;
  let customer: number;
  let admin: { email: string };
  const problems: string[] = [];

  /** A browser context at this width, watching for script errors and CSP violations. */
  async function openPage(width: number, colorScheme: 'light' | 'dark'): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({
      viewport: { width, height: width > 800 ? 900 : 812 },
      colorScheme,
      reducedMotion: 'reduce',
    });
    const page = await context.newPage();
    page.on('console', (message) => {
      // The 409 of a job already running is an answer the page shows, not a fault.
      if (message.type() === 'error' && !message.text().includes('status of 409')) problems.push(`console (${width}px): ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error (${width}px): ${error.message}`));
    await page.goto(`${t.http.baseUrl}/ops/`);
    return { context, page };
  }

  async function signIn(page: Page): Promise<void> {
    await page.fill('#email', admin.email);
    await page.fill('#password', TEST_PASSWORD);
    await page.press('#password', 'Enter');
    await page.waitForSelector('#live[data-state="live"]', { timeout: 10_000 }).catch(async (error: Error) => {
      const state = { live: await page.locator('#live').textContent(), signin: await page.locator('#signin-error').textContent() };
      throw new Error(`${error.message}\npage: ${JSON.stringify(state)}\nproblems: ${problems.join('\n')}`);
    });
  }

  async function showView(page: Page, view: (typeof VIEWS)[number]): Promise<void> {
    await page.click(`#tab-${view}`);
    await page.waitForSelector(`#view-${view}:not([hidden])`);
  }

  /** The whole page on a large screen; what a phone shows without scrolling at 375 px. */
  async function screenshot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: !name.endsWith('-375') });
  }

  /** Reads of the public routes, so the charts and the cache table have figures. */
  async function traffic(rounds: number): Promise<void> {
    for (let i = 0; i < rounds; i++) {
      await t.http.get(`/restaurants/${restaurant}`);
      await t.http.get(`/restaurants/${restaurant}/with-menu`);
      await t.http.get(`/menu-items?skip=${i % 7}`);
      await t.http.get('/restaurants/999999');
    }
  }

  beforeAll(async () => {
    if (!found) throw new Error(`CI needs Chromium at ${CHROMIUM}: .ci/run installs it with apt-get`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    t = await startTestApp();
    restaurant = await insertRestaurant(t.db, { name: 'Masala Junction', cuisine_type: 'Indian' });
    const second = await insertRestaurant(t.db, { name: 'Pho Corner', cuisine_type: 'Vietnamese' });
    dish = await insertMenuItem(t.db, restaurant, { name: 'Paneer Tikka', price: '11.50' });
    const soup = await insertMenuItem(t.db, second, { name: 'Pho Bo', price: '13.25' });
    customer = await insertCustomer(t.db);
    const seeded: number[] = [];
    for (const [at, item] of [
      [restaurant, dish],
      [second, soup],
      [second, soup],
    ]) {
      const placed = await t.admin.post(`/orders/customers/${customer}/orders/`, {
        restaurant_id: at,
        delivery_address: '12 Curry Lane',
        order_items: [{ menu_item_id: item, quantity: 2 }],
      });
      expect(placed.status).toBe(201);
      seeded.push(placed.body.id);
    }
    expect((await t.admin.put(`/orders/${seeded[1]}/status`, { order_status: 'confirmed' })).status).toBe(200);
    expect((await t.admin.put(`/orders/${seeded[1]}/status`, { order_status: 'preparing' })).status).toBe(200);
    await t.db.query(
      `INSERT INTO alerts (rule, severity, status, message, value, threshold) VALUES
         ('http_p95_response_time', 'critical', 'open', 'p95 response time 1240 ms is above 500 ms', 1240, 500),
         ('cache_hit_ratio', 'warning', 'resolved', 'Cache hit ratio 41.2% (7 of 17 reads) is below 70%', 41.2, 70)`,
    );
    admin = (await createAccount(t, 'admin')).account;
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--headless'],
    });
    await traffic(8);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs in, keeps the tokens out of storage, and shows figures that match the JSON routes', async () => {
    const { context, page } = await openPage(1440, 'light');
    try {
      await screenshot(page, 'signin-1440');
      await signIn(page);
      expect(await page.evaluate(() => localStorage.length + sessionStorage.length + document.cookie.length)).toBe(0);

      // Overview: four charts with points, and the instance count.
      await page.waitForFunction(() => document.querySelectorAll('.uplot').length === 4);
      await traffic(6);
      await page.waitForFunction(() => document.querySelector('[data-figure="rps"]')?.textContent !== '–');
      expect(await page.locator('[data-figure="instances"]').textContent()).toBe('1');
      await screenshot(page, 'overview-1440');

      // Jobs: the names and intervals of GET /jobs.
      await showView(page, 'jobs');
      const jobs = (await t.admin.get('/jobs')).body as { name: string; interval_ms: number }[];
      await page.waitForSelector(`tr[data-job="${JOB_NAMES[0]}"]`);
      expect(await page.locator('tr[data-job]').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-job')))).toEqual(
        jobs.map((job) => job.name),
      );
      for (const job of jobs) expect(await numberIn(page, `tr[data-job="${job.name}"] [data-field="every"]`)).toBe(job.interval_ms);

      // Cache: with no reads in between, the table settles on the counters of GET /cache/stats/namespaces.
      await showView(page, 'cache');
      const stats = (await t.admin.get('/cache/stats/namespaces')).body.namespaces as Record<string, number | string>[];
      const busy = stats.filter((row) => Number(row.reads) > 0);
      expect(busy.length).toBeGreaterThan(0);
      for (const row of busy) {
        for (const field of ['hits_l1', 'hits_l2', 'misses']) {
          await page.waitForFunction(
            ([namespace, name, value]) =>
              document.querySelector(`tr[data-namespace="${namespace}"] [data-field="${name}"]`)?.getAttribute('data-value') ===
              String(value),
            [row.namespace, field, row[field]] as const,
            { timeout: 5000 },
          );
        }
      }

      // Live orders: the ids of GET /realtime/live-orders.
      await showView(page, 'orders');
      const live = (await t.admin.get('/realtime/live-orders')).body as { orders: { id: number }[] }[];
      const ids = live.flatMap((group) => group.orders.map((order) => String(order.id)));
      await page.waitForSelector(`[data-order-id="${ids[0]}"]`);
      expect(
        (await page.locator('[data-order-id]').evaluateAll((items) => items.map((item) => item.getAttribute('data-order-id')))).sort(),
      ).toEqual(ids.sort());
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('works the views: live orders, clearing, jobs, alerts, sign-out; keyboard and screenshots', async () => {
    const { context, page } = await openPage(1440, 'light');
    let refreshToken: string | undefined;
    page.on('response', async (response) => {
      if (response.url().endsWith('/auth/login') || response.url().endsWith('/auth/refresh')) {
        refreshToken = (await response.json().catch(() => ({}))).refresh_token ?? refreshToken;
      }
    });
    try {
      await signIn(page);

      // An order placed through the API appears in live orders within two seconds, without a reload.
      await showView(page, 'orders');
      await page.waitForSelector('[data-order-id]');
      const placedAt = Date.now();
      const placed = await t.admin.post(`/orders/customers/${customer}/orders/`, {
        restaurant_id: restaurant,
        delivery_address: '99 Live Road',
        order_items: [{ menu_item_id: dish, quantity: 1 }],
      });
      expect(placed.status).toBe(201);
      await page.waitForSelector(`[data-order-id="${placed.body.id}"]`, { timeout: 2000 });
      console.log(`live orders: order ${placed.body.id} on the page ${Date.now() - placedAt} ms after POST /orders was sent`);
      // As it moves along, its status changes in place.
      expect((await t.admin.put(`/orders/${placed.body.id}/status`, { order_status: 'confirmed' })).status).toBe(200);
      await page.waitForSelector(`[data-order-id="${placed.body.id}"] [data-field="status"][data-value="confirmed"]`, { timeout: 2000 });
      await screenshot(page, 'orders-1440');

      // Clearing a namespace, confirmed in the dialog, makes its entry count fall.
      await traffic(3);
      await showView(page, 'cache');
      const entries = 'tr[data-namespace="restaurants"] [data-field="entries"]';
      await page.waitForFunction((selector) => Number(document.querySelector(selector)?.getAttribute('data-value')) > 0, entries, {
        timeout: 10_000,
      });
      const before = await numberIn(page, entries);
      await page.selectOption('#keys-namespace', 'restaurants');
      await page.click('#keys-load');
      await page.waitForSelector('#keys-table tbody td.key');
      await screenshot(page, 'cache-1440');
      await page.click('tr[data-namespace="restaurants"] button');
      await page.waitForSelector('#confirm[open]');
      await page.click('#confirm-ok');
      await page.waitForFunction(
        ([selector, was]) => Number(document.querySelector(selector)?.getAttribute('data-value')) < was,
        [entries, before] as const,
        { timeout: 10_000 },
      );
      await page.waitForSelector('#audit-table tbody tr td[data-field="cause"]:text-matches("DELETE /cache/clear")', { timeout: 5000 });

      // Jobs: a run, then a 409 shown as "running elsewhere" while another run holds the lock.
      await showView(page, 'jobs');
      await page.click('tr[data-job="cleanup"] button');
      await page.waitForFunction(
        () => document.querySelector('tr[data-job="cleanup"] [data-field="outcome"]')?.getAttribute('data-value') === 'succeeded',
        undefined,
        { timeout: 10_000 },
      );
      const cleanup = ((await t.admin.get('/jobs')).body as { name: string; last_run: { trigger: string } | null }[]).find(
        (job) => job.name === 'cleanup',
      );
      expect(cleanup?.last_run?.trigger).toBe('manual');
      let release!: () => void;
      const held = t.app.get(DistributedLock).runExclusive('job:warm-popular', 10_000, () => new Promise<void>((done) => (release = done)));
      try {
        await page.click('tr[data-job="warm-popular"] button');
        await page.waitForSelector('tr[data-job="warm-popular"] [data-field="note"]:text-is("running elsewhere")', { timeout: 5000 });
      } finally {
        release();
        await held;
      }
      await screenshot(page, 'jobs-1440');

      // Alerts: open first; acknowledging changes it on the page and in the API.
      await showView(page, 'alerts');
      const open = page.locator('li.alert[data-status="open"]').first();
      await open.waitFor();
      expect(await page.locator('li.alert').first().getAttribute('data-status')).toBe('open');
      const alertId = await open.getAttribute('data-alert-id');
      await screenshot(page, 'alerts-1440');
      await page.click(`li[data-alert-id="${alertId}"] button[data-action="acknowledge"]`);
      await page.waitForSelector(`li[data-alert-id="${alertId}"][data-status="acknowledged"]`, { timeout: 5000 });
      expect(
        ((await t.admin.get('/alerts')).body as { id: number; status: string }[]).find((alert) => String(alert.id) === alertId)?.status,
      ).toBe('acknowledged');

      // Keyboard: the arrow keys move along the tabs and show their view.
      await page.focus('#tab-alerts');
      await page.keyboard.press('ArrowRight');
      await page.waitForSelector('#view-orders:not([hidden])');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-orders');

      // Signing out shows the sign-in form and revokes the refresh token.
      expect(refreshToken).toBeDefined();
      await page.click('#signout');
      await page.waitForSelector('#signin-view:not([hidden])');
      await eventually(
        'the signed-out refresh token to be refused',
        async () => (await t.http.post('/auth/refresh', { refresh_token: refreshToken })).status === 401,
        {
          intervalMs: 100,
        },
      );
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('is readable at 375 px in the dark scheme', async () => {
    const { context, page } = await openPage(375, 'dark');
    try {
      await screenshot(page, 'signin-375');
      await signIn(page);
      await page.waitForFunction(() => document.querySelectorAll('.uplot').length === 4);
      for (const view of VIEWS) {
        await showView(page, view);
        if (view === 'cache') await page.waitForSelector('tr[data-namespace]');
        // Nothing wider than the screen but the tables, which scroll inside their own box.
        const overflow = await page.evaluate(() => {
          const width = document.documentElement.clientWidth;
          const scrolls = (node: Element) => ['auto', 'scroll'].includes(getComputedStyle(node).overflowX);
          const insideScroller = (node: Element) => {
            for (let up = node.parentElement; up; up = up.parentElement) if (scrolls(up)) return true;
            return false;
          };
          // The outermost elements sticking out (tables scroll inside their own box), to name in a failure.
          const sticking = [...document.querySelectorAll('body *')].filter(
            (node) =>
              node.getBoundingClientRect().right > width + 1 &&
              !insideScroller(node) &&
              !(node.parentElement && node.parentElement.getBoundingClientRect().right > width + 1),
          );
          return {
            by: document.documentElement.scrollWidth - width,
            elements: sticking.map((node) => `${node.tagName.toLowerCase()}#${node.id}.${node.className}`),
          };
        });
        expect({ view, overflow }).toEqual({ view, overflow: { by: 0, elements: [] } });
        await screenshot(page, `${view}-375`);
      }
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
