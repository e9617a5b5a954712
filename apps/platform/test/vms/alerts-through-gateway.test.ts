import { codesOf } from '@platform/testkit';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { DEMO_ORGS } from '../../src/demo-data.ts';
import { startTestPlatform, type TestPlatform } from '../../src/test-platform.ts';

let p: TestPlatform;
let baobab: string;
let protea: string;

beforeAll(async () => {
  p = await startTestPlatform();
  [baobab, protea] = await Promise.all([p.login('admin@baobab.example'), p.login('admin@protea.example')]);
}, 120_000);
afterAll(() => p?.close());

const RUNNING_VM = 'query($org: ID!) { organization(id: $org) { virtualMachines(filter: { status: [RUNNING] }, first: 1) { edges { node { id name } } } } }';
const ORG_ALERTS = `query($org: ID!) { organization(id: $org) { name alerts(first: 10) { edges { node {
  id status severity title respondBy virtualMachine { id name } rule { threshold forDuration } } } } } }`;

test("a demo customer's running VM breaching CPU for 5 min: its organisation's alerts through the gateway, acknowledged by its admin", async () => {
  const vm = (await p.gateway(RUNNING_VM, { org: DEMO_ORGS.baobab }, baobab)).data.organization.virtualMachines.edges[0].node;
  // The newest sample is now: the platform's no-data scan (every 30 s) has nothing to say about this VM.
  const start = Date.now() - 300_000;
  await p.vms.alerting.evaluator.onSamples(
    Array.from({ length: 16 }, (_, i) => ({ vmId: vm.id, organizationId: DEMO_ORGS.baobab, at: new Date(start + i * 20_000), values: { cpu_percent: 97 } })),
  );
  const listed = await p.gateway(ORG_ALERTS, { org: DEMO_ORGS.baobab }, baobab);
  expect(listed.errors).toBeUndefined();
  const edges = listed.data.organization.alerts.edges;
  expect(edges).toHaveLength(1);
  const alert = edges[0].node;
  expect(alert).toMatchObject({
    status: 'FIRING',
    severity: 'HIGH',
    title: 'CPU > 90 % for 5 min',
    virtualMachine: { id: vm.id, name: vm.name },
    rule: { threshold: 90, forDuration: 300 },
    respondBy: new Date(start + 300_000 + 3600_000).toISOString(),
  });
  expect(typeof listed.data.organization.name).toBe('string');

  // Another customer's admin cannot acknowledge it; its own admin can.
  const ACK = 'mutation($id: ID!) { acknowledgeAlert(id: $id) { status } }';
  expect(codesOf(await p.gateway(ACK, { id: alert.id }, protea))).toEqual(['NOT_FOUND']);
  expect((await p.gateway(ACK, { id: alert.id }, baobab)).data.acknowledgeAlert).toEqual({ status: 'ACKNOWLEDGED' });
  expect(await p.vms.alerting.openAlerts.openAlertsFor([vm.id])).toEqual(
    new Map([[vm.id, [{ vmId: vm.id, severity: 'HIGH', status: 'ACKNOWLEDGED', title: 'CPU > 90 % for 5 min' }]]]),
  );
}, 120_000);
