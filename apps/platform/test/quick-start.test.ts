import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_ORGS } from '../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../src/test-platform.ts';

let p: TestPlatform;
beforeAll(async () => {
  p = await startTestPlatform();
});
afterAll(() => p?.close());

test('log in → me → organisation tree, through the gateway', async () => {
  const token = await p.login('admin@karoo.example');
  const r = await p.gateway(
    '{ me { email memberships { role organization { id name kind children { totalCount edges { node { name kind } } } } } } }',
    {},
    token,
  );
  expect(r.errors).toBeUndefined();
  expect(r.data.me.email).toBe('admin@karoo.example');
  expect(r.data.me.memberships).toEqual([
    {
      role: 'ADMIN',
      organization: {
        id: DEMO_ORGS.karoo,
        name: 'Karoo Resellers',
        kind: 'RESELLER',
        children: {
          totalCount: 2,
          edges: [{ node: { name: 'Baobab Health', kind: 'CUSTOMER' } }, { node: { name: 'Protea Logistics', kind: 'CUSTOMER' } }],
        },
      },
    },
  ]);
});

test('the gateway answers /health once the supergraph is loaded', async () => {
  const response = await fetch(p.gatewayUrl.replace('/graphql', '/health'));
  expect(response.status).toBe(200);
});
