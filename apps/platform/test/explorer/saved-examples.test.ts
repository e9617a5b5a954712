import { afterAll, beforeAll, expect, test } from 'vitest';
import { EXAMPLE_OPERATIONS } from '@platform/gateway/explorer-examples';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';

/**
 * Issue 13: the dashboard's real operations pass the gateway's limits and scopes. The explorer's saved
 * examples (what the dashboard asks, what a partner starts from) run against the seeded platform as a
 * reseller admin, through the gateway with its default limits: no error, data back.
 */
let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform();
}, 180_000);
afterAll(() => p?.close());

test('every saved example query runs through the gateway without a limit or scope refusal', async () => {
  const token = await p.login('admin@karoo.example');
  const list = await p.gateway(
    `query($id: ID!) { organization(id: $id) { virtualMachines(first: 1, scope: SUBTREE) { edges { node { id } } } } }`,
    { id: DEMO_ORGS.karoo },
    token,
  );
  const vmId: string = list.data.organization.virtualMachines.edges[0].node.id;
  const fill = (value: unknown): unknown => (value === '<organization id>' ? DEMO_ORGS.karoo : value === '<virtual machine id>' ? vmId : value);
  const queries = EXAMPLE_OPERATIONS.filter((example) => example.query.trimStart().startsWith('query'));
  expect(queries.length).toBeGreaterThanOrEqual(8);
  for (const example of queries) {
    const variables = Object.fromEntries(Object.entries(example.variables).map(([k, v]) => [k, fill(v)]));
    const r = await p.gateway(example.query, variables, token);
    expect(r.errors, example.name).toBeUndefined();
    expect(
      Object.values(r.data ?? {}).every((v) => v !== null),
      example.name,
    ).toBe(true);
  }
}, 120_000);
