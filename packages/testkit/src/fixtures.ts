import { createTestAuth, standardTree, type StandardTree, type TestAuth } from '@platform/kernel/testing';
import { test } from 'vitest';

/**
 * The base of every subgraph's fixtures (`test.extend`): real signing keys and the standard tree,
 * one of each per test file. A subgraph extends it with its running service, e.g.
 *
 *   export const walletTest = orgTest.extend<{ wallet: RunningWallet }>({
 *     wallet: [async ({ auth, tree }, use) => { const w = await startWallet(auth, tree); await use(w); await w.stop(); }, { scope: 'file' }],
 *   });
 */
export const orgTest = test.extend<{ auth: TestAuth; tree: StandardTree }>({
  auth: [async ({}, use) => use(await createTestAuth()), { scope: 'file' }],
  tree: [async ({}, use) => use(standardTree()), { scope: 'file' }],
});
