import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@platform/kernel';
import { DEMO_ORGS, DEMO_PASSWORD, seedDemoBills, TelemetrySimulator } from '@platform/platform';
import { startTestPlatform, type TestPlatform } from '@platform/platform/testing';
import { encodeOtlpMetrics } from '@platform/vms';
import { scriptedCompute } from '@platform/vms/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { formatMoney, formatNumber } from '../app/format.ts';
import { createDashboard } from '../src/index.ts';

/**
 * Issue 15, "what it must show": in Debian's Chromium (playwright-core) on the whole platform, a customer
 * admin logs in to the dashboard, sees the fleet totals the API gives, opens a VM and sees its chart gain a
 * live point, powers it off and sees the badge change without a reload, and acknowledges an alert. Every
 * page is screenshotted into test-artifacts/ (gitignored) and checked with axe-core (no serious or
 * critical violations).
 */
const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'test-artifacts');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const logger = createLogger({}, 'error');

const OVERVIEW = `query($org: ID!) { organization(id: $org) {
  resourceSummary(scope: SUBTREE) { vmCount running vcpuTotal memoryGib diskTib }
  wallet { available { amount currency } }
  currentBill { total { amount currency } }
  virtualMachines(scope: SUBTREE, filter: { status: [RUNNING] }, first: 3, orderBy: NAME_ASC) { edges { node { id name } } }
} }`;

let p: TestPlatform;
let browser: Browser;
let dashboardUrl: string;
let telemetry: TelemetrySimulator;
let token: string;
let watched: { id: string; name: string };
let poweredOffElsewhere: { id: string; name: string };
let alerting: { id: string; name: string };
const timings: Record<string, number> = {};

beforeAll(async () => {
  const dashboard = createDashboard({ logger });
  const built = dashboard.ready(); // the Vite build (cached after the first) while the platform starts
  p = await startTestPlatform({ gatewayRoutes: dashboard.routes, vms: { options: { compute: scriptedCompute(30).provider } } });
  await built;
  dashboardUrl = p.gatewayUrl.replace(/\/graphql$/, '/dashboard');
  token = await p.login('admin@protea.example');
  const overview = await p.gateway(OVERVIEW, { org: DEMO_ORGS.protea }, token);
  expect(overview.errors).toBeUndefined();
  [watched, poweredOffElsewhere, alerting] = overview.data.organization.virtualMachines.edges.map((e: { node: { id: string; name: string } }) => e.node);
  expect(watched && poweredOffElsewhere && alerting).toBeTruthy();
  // The simulator as `npm start` runs it, on a 2-second grid and for the watched VM only (tests may shorten it).
  telemetry = new TelemetrySimulator({
    url: p.telemetryUrl,
    tokens: p.collectorTokens,
    vmIds: async () => (await p.vms.runningVmIds()).filter((id) => id === watched.id),
    logger,
    intervalMs: 2_000,
    slotMs: 2_000,
  });
  telemetry.start();
  mkdirSync(ARTIFACTS, { recursive: true });
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await telemetry?.stop();
  await p?.close();
  if (Object.keys(timings).length > 0) console.log('dashboard timings (ms):', JSON.stringify(timings));
});

/** axe-core injected into the page (evaluated, so the page's CSP does not apply): serious and critical violations only. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate('axe.run(document).then((result) => result.violations)')) as {
    id: string;
    impact: string | null;
    nodes: { target: unknown }[];
  }[];
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

async function checkPage(page: Page, name: string) {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  expect(await accessibilityProblems(page), `axe on the ${name} page`).toEqual([]);
}

/** What the page showed when a step failed: a screenshot and its text in the test output. */
async function failed(page: Page, name: string) {
  await page.screenshot({ path: path.join(ARTIFACTS, `failed-${name}.png`), fullPage: true }).catch(() => undefined);
  console.error(
    `page text at the failure (${name}):\n${await page
      .locator('body')
      .innerText()
      .catch(() => '?')}`,
  );
}

const totalText = (page: Page, name: string) => page.locator(`[data-total="${name}"] dd`).innerText();

/** POSTs samples to the real /v1/metrics route, as a collector does. */
async function ingestCpu(vmId: string, cpu: number, fromMsAgo: number, toMsAgo: number) {
  const now = Date.now();
  const samples = [];
  for (let ago = fromMsAgo; ago >= toMsAgo; ago -= 20_000)
    samples.push({ vmRef: vmId, at: new Date(now - ago), values: { cpu_percent: cpu, memory_percent: 40 } });
  const response = await fetch(p.telemetryUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await p.collectorTokens()}` },
    body: JSON.stringify(encodeOtlpMetrics(samples)),
  });
  expect(response.status).toBe(200);
}

test('log in, fleet totals as the API gives them, a live chart point, power off with a live badge, acknowledge an alert; every page passes axe', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  try {
    // Log in.
    await page.goto(dashboardUrl, { waitUntil: 'load' });
    await page.waitForSelector('input[name="email"]');
    await checkPage(page, 'login');
    await page.fill('input[name="email"]', 'admin@protea.example');
    await page.fill('input[name="password"]', DEMO_PASSWORD);
    await page.click('button[type="submit"]');
    await page.waitForSelector('.vm-table tbody tr', { timeout: 30_000 });

    // Navigation to a visible fleet table, signed in (the session is kept for the tab).
    await page.goto(dashboardUrl, { waitUntil: 'commit' });
    await page.waitForSelector('.vm-table tbody tr', { timeout: 30_000 });
    timings.navigationToFleetTable = Math.round(await page.evaluate(() => performance.now()));

    // The fleet totals are the API's.
    const api = (await p.gateway(OVERVIEW, { org: DEMO_ORGS.protea }, token)).data.organization;
    await page.waitForSelector('[data-total="vmCount"]');
    expect(await totalText(page, 'vmCount')).toBe(formatNumber(api.resourceSummary.vmCount));
    expect(await totalText(page, 'running')).toBe(formatNumber(api.resourceSummary.running));
    expect(await totalText(page, 'vcpuTotal')).toBe(formatNumber(api.resourceSummary.vcpuTotal));
    expect(await totalText(page, 'memoryGib')).toBe(formatNumber(api.resourceSummary.memoryGib, 1));
    expect(await totalText(page, 'diskTib')).toBe(formatNumber(api.resourceSummary.diskTib, 2));
    expect(await totalText(page, 'available')).toBe(formatMoney(api.wallet.available));
    expect(await totalText(page, 'currentBill')).toBe(formatMoney(api.currentBill.total));
    expect(api.resourceSummary.vmCount).toBeGreaterThan(0);
    await expect.poll(() => page.locator('[data-live]').getAttribute('data-live'), { timeout: 15_000 }).toBe('live');
    await checkPage(page, 'fleet');

    // Open the VM: its CPU chart gains a point from the live subscription within 30 s.
    await page.evaluate(() => ((globalThis as unknown as { notReloaded: boolean }).notReloaded = true));
    await page.click(`[data-vm-id="${watched.id}"] a`);
    await page.waitForSelector('figure[data-chart="CPU"]', { timeout: 30_000 });
    const points = () => page.locator('figure[data-chart="CPU"]').getAttribute('data-points').then(Number);
    const before = await points();
    await expect.poll(points, { timeout: 30_000, interval: 500 }).toBeGreaterThan(before);
    await checkPage(page, 'vm-detail');

    // Power it off behind the confirmation: the badge changes, the page was not reloaded.
    await expect(page.locator('h1 .badge').getAttribute('data-status')).resolves.toBe('RUNNING');
    await page.click('button:text-is("Power off")');
    await page.click('button:text-is("Confirm power off")');
    await expect.poll(() => page.locator('h1 .badge').getAttribute('data-status'), { timeout: 30_000 }).toBe('STOPPED');
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

    // Back on the fleet page, a VM powered off by someone else (the API) changes its badge live.
    await page.click('nav a:text-is("Fleet")');
    await page.waitForSelector(`[data-vm-id="${poweredOffElsewhere.id}"] .badge[data-status="RUNNING"]`, { timeout: 30_000 });
    await expect.poll(() => page.locator('[data-live]').getAttribute('data-live'), { timeout: 15_000 }).toBe('live');
    await page.waitForTimeout(1_000); // subscribed upstream before the change
    const off = await p.gateway('mutation($id: ID!) { powerOffVirtualMachine(id: $id) { status } }', { id: poweredOffElsewhere.id }, token);
    expect(off.errors).toBeUndefined();
    await page.waitForSelector(`[data-vm-id="${poweredOffElsewhere.id}"] .badge[data-status="STOPPED"]`, { timeout: 30_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);

    // An alert: the default rule (CPU > 90 % for 5 min) fires on samples POSTed for a third running
    // VM; the alerts page lists it and acknowledges it.
    await page.click('nav a:text-is("Alerts")');
    await page.waitForSelector('.alerts-table, p:text-is("No alerts.")', { timeout: 30_000 });
    await ingestCpu(alerting.id, 97, 400_000, 60_000);
    const row = page.locator('tr[data-alert-id]', { hasText: alerting.name }).filter({ has: page.locator('.badge[data-status="FIRING"]') });
    await row.first().waitFor({ timeout: 30_000 });
    await checkPage(page, 'alerts');
    await row.first().locator('button:text-is("Acknowledge")').click();
    await page.waitForSelector(`tr[data-alert-id]:has-text("${alerting.name}") .badge[data-status="ACKNOWLEDGED"]`, { timeout: 30_000 });
    const alerts = await p.gateway(
      'query($org: ID!) { organization(id: $org) { alerts(filter: { status: [ACKNOWLEDGED] }, first: 10) { edges { node { virtualMachine { id } acknowledgedBy } } } } }',
      { org: DEMO_ORGS.protea },
      token,
    );
    expect(alerts.data.organization.alerts.edges.map((e: { node: { virtualMachine: { id: string } } }) => e.node.virtualMachine.id)).toEqual([alerting.id]);

    // Billing: the current bill's total is the API's.
    await page.click('nav a:text-is("Billing")');
    await page.waitForSelector('h2:has-text("Current bill")');
    await page.waitForSelector('td[data-total="currentBill"]', { timeout: 30_000 });
    // The bill grows by the minute: compared with the API's answer of the same moment.
    const billNow = (await p.gateway(OVERVIEW, { org: DEMO_ORGS.protea }, token)).data.organization.currentBill.total;
    expect(await page.locator('td[data-total="currentBill"]').innerText()).toBe(formatMoney(billNow));
    await checkPage(page, 'billing');
    // Bill history: last month closed (as npm start's demo does); its invoice downloads as a file.
    await seedDemoBills(p);
    await page.click('nav a:text-is("Fleet")');
    await page.click('nav a:text-is("Billing")');
    const invoiceButton = page.locator('section[aria-labelledby="history-heading"] button.link').first();
    await invoiceButton.waitFor({ timeout: 30_000 });
    const invoiceNumber = await invoiceButton.innerText();
    expect(invoiceNumber).toMatch(/^INV-\d{6}$/);
    const [download] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), invoiceButton.click()]);
    expect(download.suggestedFilename()).toBe(`invoice-${invoiceNumber}.html`);
    const invoiceFile = await download.path();
    expect(readFileSync(invoiceFile, 'utf8')).toContain(invoiceNumber);
    expect(problems).toEqual([]);
  } catch (error) {
    await failed(page, 'customer');
    throw error;
  } finally {
    await page.close();
  }
}, 240_000);

test('a reseller sees its customers and commission statements', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await page.goto(dashboardUrl, { waitUntil: 'load' });
    await page.fill('input[name="email"]', 'admin@karoo.example');
    await page.fill('input[name="password"]', DEMO_PASSWORD);
    await page.click('button[type="submit"]');
    await page.click('nav a:text-is("Customers")');
    await page.waitForSelector('h2:has-text("customer organisations")', { timeout: 30_000 });
    expect(await page.locator('h2:has-text("customer organisations")').innerText()).toBe('2 customer organisations');
    expect(await page.locator('table').first().locator('tbody tr td:first-child').allInnerTexts()).toEqual(
      expect.arrayContaining(['Protea Logistics', 'Baobab Health']),
    );
    await checkPage(page, 'customers');
  } catch (error) {
    await failed(page, 'reseller');
    throw error;
  } finally {
    await page.close();
  }
}, 120_000);
