import { existsSync } from 'node:fs';
import { scriptedCompute } from '@platform/vms/testing';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';
import { createKey } from '../api-keys/support.ts';

/**
 * Issue 13, "what it must show": in a real headless Chromium (Debian's, through playwright-core) on the
 * whole platform, a partner opens the explorer, enters a real API key, runs a query listing the
 * customer's VMs, then starts a subscription in the explorer (graphql-ws, the key in its
 * connectionParams) and sees the event of a VM being powered off arrive in the response editor.
 */
const CHROMIUM = '/usr/bin/chromium';
const VMS = `query($org: ID!) { organization(id: $org) { virtualMachines(first: 50) { edges { node { id name status } } } } }`;

let p: TestPlatform;
let browser: Browser;
let baobab: string;
let vms: { id: string; name: string; status: string }[];

beforeAll(async () => {
  p = await startTestPlatform({ vms: { options: { compute: scriptedCompute(30).provider } } });
  baobab = await p.login('admin@baobab.example');
  const list = await p.gateway(VMS, { org: DEMO_ORGS.baobab }, baobab);
  expect(list.errors).toBeUndefined();
  vms = list.data.organization.virtualMachines.edges.map((e: { node: { id: string; name: string; status: string } }) => e.node);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await p?.close();
});

/** CodeMirror 5 editors keep their instance on the wrapper element. */
interface CodeMirrorHost {
  CodeMirror: { getValue(): string; setValue(value: string): void };
}
const editorValue = (page: Page, selector: string) => page.$eval(`${selector} .CodeMirror`, (el) => (el as unknown as CodeMirrorHost).CodeMirror.getValue());
const setEditor = (page: Page, selector: string, value: string) =>
  page.$eval(`${selector} .CodeMirror`, (el, v) => (el as unknown as CodeMirrorHost).CodeMirror.setValue(v), value);

/** A fresh tab (the saved examples fill the first ones), the operation in it, then Execute. */
async function run(page: Page, operation: string) {
  await page.click('[aria-label="Add tab"]');
  await setEditor(page, '.graphiql-query-editor', operation);
  await page.waitForTimeout(500); // GraphiQL reads the operation name from the editor after a short debounce
  await page.click('.graphiql-execute-button');
}

test('the explorer with a real API key: a query lists the customer VMs, and a subscription started in it shows the power-off event', async () => {
  const key = await createKey(p, baobab, { organizationId: DEMO_ORGS.baobab, scopes: ['VMS_READ', 'ORGANIZATIONS_READ'] });
  expect(key.secret).toMatch(/^cdp_live_/);
  const running = vms.find((vm) => vm.status === 'RUNNING');
  expect(running).toBeDefined();

  const page = await browser.newPage();
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(error.message));
  // What the explorer sends over its WebSocket (graphql-ws messages), to know when the subscription is asked for.
  const sent: { type: string; payload?: Record<string, unknown> }[] = [];
  page.on('websocket', (socket) => socket.on('framesent', (frame) => sent.push(JSON.parse(String(frame.payload)))));
  try {
    await page.goto(p.gatewayUrl, { waitUntil: 'load', timeout: 60_000 });
    await page.waitForSelector('.graphiql-container', { timeout: 60_000 });
    await page.fill('input[name="api-key"]', key.secret);

    // A query over HTTP with the key: the customer's VMs, as the user sees them.
    await run(page, `query PartnerVms { organization(id: "${DEMO_ORGS.baobab}") { name virtualMachines(first: 50) { edges { node { id name status } } } } }`);
    await expect.poll(() => editorValue(page, '.graphiql-response'), { timeout: 30_000 }).toContain('"data"');
    const listed = JSON.parse(await editorValue(page, '.graphiql-response'));
    expect(listed.errors).toBeUndefined();
    expect(listed.data.organization.name).toBe('Baobab Health');
    expect(listed.data.organization.virtualMachines.edges.map((e: { node: unknown }) => e.node)).toEqual(vms);

    // A subscription over graphql-ws with the key in connectionParams.
    await run(page, `subscription PartnerWatch { virtualMachineStatusChanged(organizationId: "${DEMO_ORGS.baobab}") { toStatus vm { id name } } }`);
    // GraphiQL shows its stop button while subscribed; the socket carried the key in connectionParams and the subscribe message.
    await page.waitForSelector('.graphiql-execute-button[aria-label^="Stop query"]', { timeout: 30_000 });
    await expect.poll(() => sent.map((m) => m.type), { timeout: 30_000 }).toEqual(['connection_init', 'subscribe']);
    expect(sent[0]!.payload).toEqual({ authorization: `Bearer ${key.secret}` });
    await page.waitForTimeout(1_000); // time for the gateway to pass the subscribe message to the subgraph

    // The customer's admin powers the VM off over HTTP with a user token.
    const off = await p.gateway('mutation($id: ID!) { powerOffVirtualMachine(id: $id) { status } }', { id: running!.id }, baobab);
    expect(off.errors).toBeUndefined();

    await expect.poll(() => editorValue(page, '.graphiql-response'), { timeout: 30_000 }).toContain('STOPPED');
    expect(JSON.parse(await editorValue(page, '.graphiql-response'))).toEqual({
      data: { virtualMachineStatusChanged: { toStatus: 'STOPPED', vm: { id: running!.id, name: running!.name } } },
    });
    expect(problems).toEqual([]);
  } finally {
    await page.close();
  }
}, 180_000);
