import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTestAuth, type TestAuth } from '@platform/testkit';
import { startFixtureSubgraphs, type FixtureSubgraphs } from './support/fixture-subgraphs.ts';
import { startGateway, type StartedGateway } from './support/gateway-harness.ts';
import { memoryLogger } from './support/memory-logger.ts';
import { composeFixtures, tempDir, type TempDir } from './support/supergraph.ts';

/**
 * Issue 13: the explorer in a real headless Chromium (Debian's, through playwright-core), against a
 * production-posture gateway: the page loads with its CSP and nothing from another origin, the
 * docs appear once a key is entered (introspection is for signed-in callers), a query runs with it.
 * A real API key and a subscription in the explorer: apps/platform/test/explorer/explorer-browser.test.ts.
 */
const CHROMIUM = '/usr/bin/chromium';
const logger = memoryLogger();
let auth: TestAuth;
let subgraphs: FixtureSubgraphs;
let dir: TempDir;
let gateway: StartedGateway;
let browser: Browser;

beforeAll(async () => {
  auth = await createTestAuth();
  subgraphs = await startFixtureSubgraphs({ verifyToken: auth.verifyToken, logger });
  dir = await tempDir();
  await writeFile(dir.file('supergraph.graphql'), composeFixtures());
  gateway = await startGateway(
    { SUPERGRAPH_PATH: dir.file('supergraph.graphql'), NODE_ENV: 'production' },
    { logger, verifyToken: auth.verifyToken, serviceUrls: { alpha: subgraphs.alpha.url, beta: subgraphs.beta.url } },
  );
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does it)`);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await gateway?.gateway.stop();
  await subgraphs?.stop();
  await dir?.remove();
});

/** CodeMirror 5 editors keep their instance on the wrapper element. */
interface CodeMirrorHost {
  CodeMirror: { getValue(): string; setValue(value: string): void };
}
const editorValue = (page: Page, selector: string) => page.$eval(`${selector} .CodeMirror`, (el) => (el as unknown as CodeMirrorHost).CodeMirror.getValue());
const setEditor = (page: Page, selector: string, value: string) =>
  page.$eval(`${selector} .CodeMirror`, (el, v) => (el as unknown as CodeMirrorHost).CodeMirror.setValue(v), value);

describe('the explorer in a browser', () => {
  test('opens, takes an API key, shows the docs and runs a query with the key', async () => {
    const page = await browser.newPage();
    const problems: string[] = [];
    const foreign: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('request', (request) => {
      if (!request.url().startsWith(gateway.server.baseUrl)) foreign.push(request.url());
    });
    try {
      await page.goto(gateway.server.url, { waitUntil: 'load', timeout: 60_000 });
      await page.waitForSelector('.graphiql-container', { timeout: 60_000 });
      // The saved examples are there as tabs.
      expect(await page.locator('.graphiql-tab').count()).toBeGreaterThanOrEqual(8);

      // The fixture subgraphs have no identity to mint API keys: a signed access token goes in the key field here.
      // apps/platform/test/explorer/explorer-browser.test.ts runs a real API key, and a subscription, on the whole platform.
      const key = await auth.userToken({ sub: 'partner-7', org: 'o1', role: 'VIEWER' });
      await page.fill('input[name="api-key"]', key);

      // The docs explorer: introspection works now that the explorer sends the key.
      await page.click('[aria-label="Show Documentation Explorer"]');
      await page.waitForSelector('.graphiql-doc-explorer >> text=Query', { timeout: 30_000 });

      // A fresh tab (the saved examples carry operation names of the real schema), then the query.
      await page.click('[aria-label="Add tab"]');
      await setEditor(page, '.graphiql-query-editor', 'query Partner { thing(id: "t1") { name seenBy } }');
      await page.waitForTimeout(500); // GraphiQL reads the operation name from the editor after a short debounce
      await page.click('.graphiql-execute-button');
      await expect.poll(() => editorValue(page, '.graphiql-response'), { timeout: 30_000 }).toContain('"data"');
      expect(JSON.parse(await editorValue(page, '.graphiql-response'))).toEqual({ data: { thing: { name: 'thing t1', seenBy: 'partner-7' } } });
      expect(foreign).toEqual([]);
      expect(problems.filter((p) => /Content Security Policy|Refused to/i.test(p))).toEqual([]);
    } catch (error) {
      console.log(
        logger.entries
          .filter((e) => e.level === 'error')
          .map((e) =>
            JSON.stringify({ msg: e.msg, ...e.fields }, (_k, v) =>
              v instanceof Error ? `${v.name}: ${v.message} ${String((v as { cause?: unknown }).cause ?? '')}` : v,
            ),
          ),
      );
      throw error;
    } finally {
      await page.close();
    }
  }, 120_000);
});
