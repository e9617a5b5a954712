import { newId } from '@platform/kernel';
import { codesOf, tokenAs } from '@platform/testkit';
import { describe, expect } from 'vitest';
import type { Vm } from '../src/domain/vm.ts';
import { alertsOfVm, sample, series } from './support/alerts.ts';
import { vmsTest, type RunningVms, type VmsOrg } from './support/fixtures.ts';

interface Fleet {
  /** customerA: a FIRING CPU alert (vmA) and a PENDING one (vmAPending); customerA2: FIRING memory; customerB: FIRING CPU. */
  vmA: Vm;
  vmAPending: Vm;
  vmA2: Vm;
  vmB: Vm;
  alert: Record<'a' | 'aPending' | 'a2' | 'b', string>;
}

async function fireOn(h: RunningVms, vm: Vm, values: Parameters<typeof series>[3], to = 300): Promise<string> {
  await h.subgraph.alerting.evaluator.onSamples(series(vm, 0, to, values));
  const rows = await alertsOfVm(h.db, vm.id);
  return rows[rows.length - 1]!.id;
}

const test = vmsTest.extend<{ fleet: Fleet }>({
  fleet: [
    async ({ vms: h }, use) => {
      const [vmA, vmAPending] = await h.addVms(h.orgs.customerA, 2);
      const [vmA2] = await h.addVms(h.orgs.customerA2, 1);
      const [vmB] = await h.addVms(h.orgs.customerB, 1);
      const alert = {
        a: await fireOn(h, vmA!, { cpu_percent: 97 }),
        aPending: await fireOn(h, vmAPending!, { cpu_percent: 97 }, 60),
        a2: await fireOn(h, vmA2!, { memory_percent: 99 }),
        b: await fireOn(h, vmB!, { cpu_percent: 97 }),
      };
      await use({ vmA: vmA!, vmAPending: vmAPending!, vmA2: vmA2!, vmB: vmB!, alert });
    },
    { scope: 'file', auto: true },
  ],
});

const ALERT_FIELDS =
  'id kind status severity metric comparator threshold forDuration title summary value startedAt firedAt respondBy virtualMachine { id } rule { id }';
const ENTITIES = `query($representations: [_Any!]!) { _entities(representations: $representations) {
  ... on Alert { ${ALERT_FIELDS} }
  ... on Organization { id alerts(first: 50) { edges { node { id } } } alertRules(first: 50) { edges { node { id } } } } } }`;
const ORG_ALERTS = `query($org: [_Any!]!, $filter: AlertFilter, $scope: OrganizationScope, $first: Int, $after: String) {
  _entities(representations: $org) { ... on Organization { alerts(filter: $filter, scope: $scope, first: $first, after: $after) {
    edges { cursor node { id status severity } } pageInfo { hasNextPage endCursor } } } } }`;
const orgRep = (id: string) => [{ __typename: 'Organization', id }];
const idsOf = (r: { data?: { _entities: { alerts: { edges: { node: { id: string } }[] } }[] } }) => r.data!._entities[0]!.alerts.edges.map((e) => e.node.id);

describe('who sees an alert of customer A: Alert in _entities, Organization.alerts and alertRules', () => {
  const cases: [string, VmsOrg, boolean][] = [
    ['provider', 'provider', true],
    ['its reseller', 'resellerA', true],
    ['the customer itself', 'customerA', true],
    ['a sibling customer', 'customerA2', false],
    ['another reseller', 'resellerB', false],
    ["another reseller's customer", 'customerB', false],
    ['a direct customer of the provider', 'directCustomer', false],
  ];
  for (const [who, org, sees] of cases) {
    test(`${who}: ${sees ? 'sees it' : 'gets null'}`, async ({ vms: h, fleet }) => {
      const token = await h.user(h.orgs[org], 'VIEWER');
      const r = await h.call(ENTITIES, { representations: [{ __typename: 'Alert', id: fleet.alert.a }, ...orgRep(h.orgs.customerA)] }, token);
      expect(r.errors).toBeUndefined();
      const [alert, orgEntity] = r.data._entities;
      if (sees) {
        expect(alert).toMatchObject({
          id: fleet.alert.a,
          kind: 'THRESHOLD',
          status: 'FIRING',
          severity: 'HIGH',
          metric: 'CPU_PERCENT',
          comparator: 'GT',
          threshold: 90,
          forDuration: 300,
          title: 'CPU > 90 % for 5 min',
          summary: 'CPU > 90 % for 5 min: breached since 2026-11-29T08:00:00.000Z (latest 97 %).',
          value: 97,
          startedAt: '2026-11-29T08:00:00.000Z',
          firedAt: '2026-11-29T08:05:00.000Z',
          respondBy: '2026-11-29T09:05:00.000Z',
          virtualMachine: { id: fleet.vmA.id },
        });
        expect(orgEntity.alerts.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual([fleet.alert.aPending, fleet.alert.a]);
        expect(orgEntity.alertRules.edges).toHaveLength(2);
      } else {
        expect(alert).toBeNull();
        expect(orgEntity).toEqual({ id: h.orgs.customerA, alerts: null, alertRules: null });
      }
    });
  }

  test('anonymous and service callers see no alert; malformed and unknown representations are null', async ({ vms: h, fleet, auth }) => {
    const reps = [fleet.alert.a, 'not-a-uuid', '0190a8c4-0000-7000-8000-000000000000'].map((id) => ({ __typename: 'Alert', id }));
    expect((await h.call(ENTITIES, { representations: reps })).data._entities).toEqual([null, null, null]);
    const service = await auth.serviceToken('billing', ['tenancy:read']);
    expect((await h.call(ENTITIES, { representations: reps }, service)).data._entities).toEqual([null, null, null]);
    const own = await h.call(ENTITIES, { representations: reps }, await h.user(h.orgs.customerA, 'VIEWER'));
    expect(own.data._entities.map((a: { id: string } | null) => a?.id ?? null)).toEqual([fleet.alert.a, null, null]);
  });

  test('a page of alerts from many organisations is one statement per entity type', async ({ vms: h }) => {
    const token = await h.user(h.orgs.provider, 'VIEWER');
    const reps = (['customerA', 'customerA2', 'customerB', 'resellerA'] as const).map((o) => ({ __typename: 'Organization', id: h.orgs[o] }));
    h.statements.reset();
    const r = await h.call(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Organization { alerts(first: 10) { edges { node { id virtualMachine { id } rule { id } } } } } } }',
      { r: reps },
      token,
    );
    expect(r.errors).toBeUndefined();
    // alerts, their VMs, their rules: three statements for four organisations.
    expect(h.statements.count).toBe(3);
  });
});

describe('Organization.alerts and VirtualMachine.alerts', () => {
  test('newest first, cursor paging, filters, SUBTREE scope', async ({ vms: h, fleet }) => {
    const token = await h.user(h.orgs.resellerA, 'VIEWER');
    const first = await h.call(ORG_ALERTS, { org: orgRep(h.orgs.customerA), first: 1 }, token);
    expect(idsOf(first)).toEqual([fleet.alert.aPending]);
    expect(first.data._entities[0].alerts.pageInfo.hasNextPage).toBe(true);
    const next = await h.call(ORG_ALERTS, { org: orgRep(h.orgs.customerA), first: 1, after: first.data._entities[0].alerts.pageInfo.endCursor }, token);
    expect(idsOf(next)).toEqual([fleet.alert.a]);
    expect(next.data._entities[0].alerts.pageInfo.hasNextPage).toBe(false);

    expect(idsOf(await h.call(ORG_ALERTS, { org: orgRep(h.orgs.customerA), filter: { status: ['PENDING'] } }, token))).toEqual([fleet.alert.aPending]);
    expect(idsOf(await h.call(ORG_ALERTS, { org: orgRep(h.orgs.customerA), filter: { severity: ['CRITICAL'] } }, token))).toEqual([]);
    expect(idsOf(await h.call(ORG_ALERTS, { org: orgRep(h.orgs.customerA), filter: { virtualMachineId: fleet.vmA.id } }, token))).toEqual([fleet.alert.a]);
    expect(idsOf(await h.call(ORG_ALERTS, { org: orgRep(h.orgs.resellerA) }, token))).toEqual([]);
    const subtree = idsOf(await h.call(ORG_ALERTS, { org: orgRep(h.orgs.resellerA), scope: 'SUBTREE', filter: { status: ['FIRING', 'PENDING'] } }, token));
    expect(subtree).toEqual(expect.arrayContaining([fleet.alert.a, fleet.alert.aPending, fleet.alert.a2]));
    expect(subtree).not.toContain(fleet.alert.b);

    const vm = await h.call('query($id: ID!) { virtualMachine(id: $id) { alerts { edges { node { id status } } } } }', { id: fleet.vmA.id }, token);
    expect(vm.data.virtualMachine.alerts.edges).toEqual([{ node: { id: fleet.alert.a, status: 'FIRING' } }]);
  });

  test('a forged cursor, a malformed VM id or an empty filter list is BAD_USER_INPUT naming the argument', async ({ vms: h }) => {
    const token = await h.user(h.orgs.customerA, 'VIEWER');
    const forged = await h.call(ORG_ALERTS, { org: orgRep(h.orgs.customerA), after: Buffer.from('"nope"').toString('base64') }, token);
    expect([codesOf(forged), forged.errors?.[0]?.extensions?.['field']]).toEqual([['BAD_USER_INPUT'], 'after']);
    const badVm = await h.call(ORG_ALERTS, { org: orgRep(h.orgs.customerA), filter: { virtualMachineId: 'x' } }, token);
    expect([codesOf(badVm), badVm.errors?.[0]?.message]).toEqual([['BAD_USER_INPUT'], 'filter.virtualMachineId: must be a UUID.']);
    const empty = await h.call(ORG_ALERTS, { org: orgRep(h.orgs.customerA), filter: { status: [] } }, token);
    expect(empty.errors?.[0]?.extensions?.['field']).toBe('filter.status');
  });
});

const ACK = `mutation($id: ID!) { acknowledgeAlert(id: $id) { id status acknowledgedAt acknowledgedBy } }`;

describe('acknowledgeAlert (MEMBER or above)', () => {
  test('FIRING → ACKNOWLEDGED by a member, recording who and when; again answers it unchanged', async ({ vms: h, auth }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    const id = await fireOn(h, vm!, { cpu_percent: 99 });
    const token = await tokenAs(auth, h.orgs.customerA, 'MEMBER', { sub: 'user-ack' });
    const first = await h.call(ACK, { id }, token);
    expect(first.errors).toBeUndefined();
    expect(first.data.acknowledgeAlert).toMatchObject({ id, status: 'ACKNOWLEDGED', acknowledgedBy: 'user-ack' });
    const again = await h.call(ACK, { id }, await tokenAs(auth, h.orgs.customerA, 'ADMIN', { sub: 'someone-else' }));
    expect(again.data.acknowledgeAlert).toEqual(first.data.acknowledgeAlert);
    const outbox = await h.db.selectFrom('alert_events').select('to_status').where('alert_id', '=', id).orderBy('seq').execute();
    expect(outbox.map((e) => e.to_status)).toEqual(['PENDING', 'FIRING', 'ACKNOWLEDGED']);
  });

  test('refusals: viewer FORBIDDEN, foreign NOT_FOUND, PENDING INVALID_STATE, malformed BAD_USER_INPUT, anonymous UNAUTHENTICATED; nothing changes', async ({
    vms: h,
    fleet,
  }) => {
    expect(codesOf(await h.call(ACK, { id: fleet.alert.a }, await h.user(h.orgs.customerA, 'VIEWER')))).toEqual(['FORBIDDEN']);
    const foreign = await h.call(ACK, { id: fleet.alert.a }, await h.user(h.orgs.customerB, 'OWNER'));
    expect([codesOf(foreign), foreign.errors?.[0]?.message]).toEqual([['NOT_FOUND'], 'id: no alert you can see has this id.']);
    const pending = await h.call(ACK, { id: fleet.alert.aPending }, await h.user(h.orgs.customerA, 'MEMBER'));
    expect([codesOf(pending), pending.errors?.[0]?.extensions?.['status']]).toEqual([['INVALID_STATE'], 'PENDING']);
    expect(codesOf(await h.call(ACK, { id: 'nope' }, await h.user(h.orgs.customerA, 'MEMBER')))).toEqual(['BAD_USER_INPUT']);
    expect(codesOf(await h.call(ACK, { id: fleet.alert.a }))).toEqual(['UNAUTHENTICATED']);
    expect((await alertsOfVm(h.db, fleet.vmA.id)).map((a) => a.status)).toEqual(['FIRING']);
    expect((await alertsOfVm(h.db, fleet.vmAPending.id)).map((a) => a.status)).toEqual(['PENDING']);
  });

  test('a RESOLVED alert is INVALID_STATE', async ({ vms: h }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    await h.subgraph.alerting.evaluator.onSamples([sample(vm!, 0, { cpu_percent: 99 }), sample(vm!, 20, { cpu_percent: 1 })]);
    const [alert] = await alertsOfVm(h.db, vm!.id);
    const r = await h.call(ACK, { id: alert!.id }, await h.user(h.orgs.customerA, 'MEMBER'));
    expect([codesOf(r), r.errors?.[0]?.extensions?.['status']]).toEqual([['INVALID_STATE'], 'RESOLVED']);
  });
});

const CREATE = `mutation($input: CreateAlertRuleInput!) { createAlertRule(input: $input) {
  id metric comparator threshold forDuration severity enabled organization { id } virtualMachine { id } } }`;
const UPDATE = `mutation($id: ID!, $input: AlertRuleConditionInput!) { updateAlertRule(id: $id, input: $input) { id threshold severity enabled } }`;
const DELETE = `mutation($id: ID!) { deleteAlertRule(id: $id) { id } }`;
const condition = { metric: 'DISK_WRITE_BYTES_PER_SECOND', comparator: 'GTE', threshold: 5e8, forDuration: 600, severity: 'MEDIUM' };

async function ruleCount(h: RunningVms): Promise<number> {
  const row = await h.db
    .selectFrom('alert_rules')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('alert rules: ADMIN manages them', () => {
  test('an organisation that never had rules lists the defaults', async ({ vms: h }) => {
    const r = await h.call(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Organization { alertRules { edges { node { metric comparator threshold forDuration severity enabled virtualMachine { id } } } } } } }',
      { r: orgRep(h.orgs.directCustomer) },
      await h.user(h.orgs.directCustomer, 'VIEWER'),
    );
    expect(r.data._entities[0].alertRules.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { metric: 'CPU_PERCENT', comparator: 'GT', threshold: 90, forDuration: 300, severity: 'HIGH', enabled: true, virtualMachine: null },
      { metric: 'MEMORY_PERCENT', comparator: 'GT', threshold: 95, forDuration: 300, severity: 'HIGH', enabled: true, virtualMachine: null },
    ]);
  });

  test('create (organisation default and VM override), update, delete by ADMIN; the reseller and provider may too', async ({ vms: h, fleet }) => {
    const admin = await h.user(h.orgs.customerA, 'ADMIN');
    const made = await h.call(CREATE, { input: { organizationId: h.orgs.customerA, condition } }, admin);
    expect(made.errors).toBeUndefined();
    expect(made.data.createAlertRule).toMatchObject({
      metric: 'DISK_WRITE_BYTES_PER_SECOND',
      comparator: 'GTE',
      threshold: 5e8,
      forDuration: 600,
      severity: 'MEDIUM',
      enabled: true,
      organization: { id: h.orgs.customerA },
      virtualMachine: null,
    });
    const override = await h.call(
      CREATE,
      { input: { virtualMachineId: fleet.vmA.id, condition: { ...condition, metric: 'CPU_PERCENT', threshold: 99.5, enabled: false } } },
      await h.user(h.orgs.resellerA, 'ADMIN'),
    );
    expect(override.data.createAlertRule).toMatchObject({ organization: { id: h.orgs.customerA }, virtualMachine: { id: fleet.vmA.id }, enabled: false });
    const id = made.data.createAlertRule.id;
    const updated = await h.call(UPDATE, { id, input: { ...condition, threshold: 1e9, severity: 'LOW' } }, await h.user(h.orgs.provider, 'ADMIN'));
    expect(updated.data.updateAlertRule).toEqual({ id, threshold: 1e9, severity: 'LOW', enabled: true });
    expect((await h.call(DELETE, { id }, admin)).data.deleteAlertRule).toEqual({ id });
    expect(codesOf(await h.call(DELETE, { id }, admin))).toEqual(['NOT_FOUND']);
    expect((await h.call(DELETE, { id: override.data.createAlertRule.id }, admin)).errors).toBeUndefined();
  });

  test('deleting a rule resolves its open alerts (RULE_CHANGED), through the outbox', async ({ vms: h }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    const admin = await h.user(h.orgs.customerA, 'ADMIN');
    const made = await h.call(CREATE, { input: { virtualMachineId: vm!.id, condition: { ...condition, forDuration: 0, severity: 'CRITICAL' } } }, admin);
    const ruleId = made.data.createAlertRule.id;
    await h.subgraph.alerting.evaluator.onSamples([sample(vm!, 0, { disk_write_bytes_per_second: 6e8 })]);
    expect((await alertsOfVm(h.db, vm!.id)).map((a) => [a.rule_key, a.status])).toEqual([[ruleId, 'FIRING']]);
    await h.call(DELETE, { id: ruleId }, admin);
    const [alert] = await alertsOfVm(h.db, vm!.id);
    expect([alert!.status, alert!.resolution]).toEqual(['RESOLVED', 'RULE_CHANGED']);
    const events = await h.db.selectFrom('alert_events').select(['from_status', 'to_status']).where('alert_id', '=', alert!.id).orderBy('seq').execute();
    expect(events.map((e) => `${e.from_status ?? '∅'}→${e.to_status}`)).toEqual(['∅→PENDING', 'PENDING→FIRING', 'FIRING→RESOLVED']);
  });

  test('refusals: below ADMIN FORBIDDEN; foreign organisation, VM or rule NOT_FOUND; anonymous and services refused; nothing written', async ({
    vms: h,
    fleet,
    auth,
  }) => {
    const before = await ruleCount(h);
    const input = { organizationId: h.orgs.customerA, condition };
    expect(codesOf(await h.call(CREATE, { input }, await h.user(h.orgs.customerA, 'MEMBER')))).toEqual(['FORBIDDEN']);
    const foreign = await h.call(CREATE, { input }, await h.user(h.orgs.customerB, 'ADMIN'));
    expect([codesOf(foreign), foreign.errors?.[0]?.message]).toEqual([['NOT_FOUND'], 'input.organizationId: no organisation you can see has this id.']);
    const foreignVm = await h.call(CREATE, { input: { virtualMachineId: fleet.vmB.id, condition } }, await h.user(h.orgs.customerA, 'ADMIN'));
    expect([codesOf(foreignVm), foreignVm.errors?.[0]?.extensions?.['field']]).toEqual([['NOT_FOUND'], 'input.virtualMachineId']);
    expect(codesOf(await h.call(CREATE, { input }))).toEqual(['UNAUTHENTICATED']);
    expect(codesOf(await h.call(CREATE, { input }, await auth.serviceToken('billing', ['tenancy:read'])))).toEqual(['FORBIDDEN']);

    const [ruleOfB] = (await h.subgraph.alerting.alerts.rulePages([h.orgs.customerB], 1, null)).get(h.orgs.customerB)!;
    const wrongUpdate = await h.call(UPDATE, { id: ruleOfB!.id, input: condition }, await h.user(h.orgs.customerA, 'ADMIN'));
    expect([codesOf(wrongUpdate), wrongUpdate.errors?.[0]?.message]).toEqual([['NOT_FOUND'], 'id: no alert rule you can see has this id.']);
    expect(codesOf(await h.call(DELETE, { id: ruleOfB!.id }, await h.user(h.orgs.resellerA, 'OWNER')))).toEqual(['NOT_FOUND']);
    expect(codesOf(await h.call(DELETE, { id: ruleOfB!.id }, await h.user(h.orgs.customerB, 'MEMBER')))).toEqual(['FORBIDDEN']);
    expect(await ruleCount(h)).toBe(before);
  });

  test('bad input is BAD_USER_INPUT naming the field, before anything is written', async ({ vms: h, fleet }) => {
    const admin = await h.user(h.orgs.customerA, 'ADMIN');
    const before = await ruleCount(h);
    const cases: [Record<string, unknown>, string, string][] = [
      [
        { organizationId: h.orgs.customerA, condition: { ...condition, metric: 'CPU_PERCENT', threshold: 100.5 } },
        'input.condition.threshold',
        'must be a percentage from 0 to 100.',
      ],
      [
        { organizationId: h.orgs.customerA, condition: { ...condition, threshold: -1 } },
        'input.condition.threshold',
        'must be a rate from 0 to 1000000000000 bytes per second.',
      ],
      [
        { organizationId: h.orgs.customerA, condition: { ...condition, threshold: 2e12 } },
        'input.condition.threshold',
        'must be a rate from 0 to 1000000000000 bytes per second.',
      ],
      [
        { organizationId: h.orgs.customerA, condition: { ...condition, forDuration: 86_401 } },
        'input.condition.forDuration',
        'must be a whole number of seconds from 0 to 86400 (24 h).',
      ],
      [
        { organizationId: h.orgs.customerA, condition: { ...condition, forDuration: -20 } },
        'input.condition.forDuration',
        'must be a whole number of seconds from 0 to 86400 (24 h).',
      ],
      [{ organizationId: 'abc', condition }, 'input.organizationId', 'must be a UUID.'],
      [{ condition }, 'input.organizationId', 'give organizationId or virtualMachineId, exactly one of them.'],
      [
        { organizationId: h.orgs.customerA, virtualMachineId: fleet.vmA.id, condition },
        'input.virtualMachineId',
        'give organizationId or virtualMachineId, exactly one of them.',
      ],
    ];
    for (const [input, field, message] of cases) {
      const r = await h.call(CREATE, { input }, admin);
      expect([codesOf(r), r.errors?.[0]?.extensions?.['field'], r.errors?.[0]?.message]).toEqual([['BAD_USER_INPUT'], field, `${field}: ${message}`]);
    }
    const [rule] = (await h.subgraph.alerting.alerts.rulePages([h.orgs.customerA], 1, null)).get(h.orgs.customerA)!;
    const badUpdate = await h.call(UPDATE, { id: rule!.id, input: { ...condition, metric: 'MEMORY_PERCENT', threshold: 101 } }, admin);
    expect([codesOf(badUpdate), badUpdate.errors?.[0]?.extensions?.['field']]).toEqual([['BAD_USER_INPUT'], 'input.threshold']);
    const unknownMetric = await h.call(CREATE, { input: { organizationId: h.orgs.customerA, condition: { ...condition, metric: 'GPU' } } }, admin);
    expect(codesOf(unknownMetric)).toEqual(['BAD_USER_INPUT']);
    expect(JSON.stringify(unknownMetric.errors)).not.toMatch(/select|insert|at .*\.ts/i);
    expect(await ruleCount(h)).toBe(before);
  });
});

describe('limits', () => {
  test('an organisation holds at most 200 rules: the 201st is CONFLICT naming the limit, and is not written', async ({ vms: h, tree }) => {
    const org = tree.directory.add(newId(), 'CUSTOMER', h.orgs.resellerB);
    const rule = {
      organizationId: org,
      vmId: null,
      metric: 'cpu_percent',
      comparator: 'GT',
      threshold: 50,
      forSeconds: 60,
      severity: 'LOW',
      enabled: true,
    } as const;
    for (let i = 0; i < 198; i++) await h.subgraph.alerting.alerts.createRule(rule); // plus the 2 defaults: 200
    const r = await h.call(CREATE, { input: { organizationId: org, condition } }, await h.user(org, 'ADMIN'));
    expect([codesOf(r), r.errors?.[0]?.extensions?.['max']]).toEqual([['CONFLICT'], 200]);
    const n = await h.db
      .selectFrom('alert_rules')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('organization_id', '=', org)
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(200);
  });
});

describe('a suspended organisation', () => {
  test('still reads its alerts and rules, but cannot acknowledge or change rules (INVALID_STATE); nothing changes', async ({ vms: h, tree }) => {
    const org = tree.directory.add(newId(), 'CUSTOMER', h.orgs.resellerA);
    const [vm] = await h.addVms(org, 1);
    const id = await fireOn(h, vm!, { cpu_percent: 99 });
    tree.directory.setSuspended(org, true);
    try {
      const admin = await h.user(org, 'ADMIN');
      const listed = await h.call(ORG_ALERTS, { org: orgRep(org) }, admin);
      expect(idsOf(listed)).toEqual([id]);
      const ack = await h.call(ACK, { id }, admin);
      expect([codesOf(ack), ack.errors?.[0]?.extensions?.['suspendedOrganizationId']]).toEqual([['INVALID_STATE'], org]);
      expect(codesOf(await h.call(CREATE, { input: { organizationId: org, condition } }, admin))).toEqual(['INVALID_STATE']);
      expect((await alertsOfVm(h.db, vm!.id)).map((a) => a.status)).toEqual(['FIRING']);
    } finally {
      tree.directory.setSuspended(org, false);
    }
  });
});

describe('OpenAlertsSource (VM health reads it)', () => {
  test('open alerts of many VMs in one call: every asked VM answered, resolved alerts left out', async ({ vms: h, fleet }) => {
    const [quiet] = await h.addVms(h.orgs.customerA, 1);
    const open = await h.subgraph.alerting.openAlerts.openAlertsFor([fleet.vmA.id, fleet.vmAPending.id, quiet!.id]);
    expect(open).toEqual(
      new Map([
        [fleet.vmA.id, [{ vmId: fleet.vmA.id, severity: 'HIGH', status: 'FIRING', title: 'CPU > 90 % for 5 min' }]],
        [fleet.vmAPending.id, [{ vmId: fleet.vmAPending.id, severity: 'HIGH', status: 'PENDING', title: 'CPU > 90 % for 5 min' }]],
        [quiet!.id, []],
      ]),
    );
  });
});
