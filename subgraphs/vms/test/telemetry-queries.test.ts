import { codesOf } from '@platform/testkit';
import { sql } from 'kysely';
import { describe, expect } from 'vitest';
import { METRIC_NAMES } from '../src/domain/telemetry/samples.ts';
import { encodeOtlpMetrics, type OutgoingSample } from '../src/domain/telemetry/otlp-encode.ts';
import { vmsTest, type RunningVms, type VmsOrg } from './support/fixtures.ts';
import { postMetrics, rollUpAll, slotAgo } from './support/telemetry.ts';

const test = vmsTest;

/** A small deterministic generator (tests must not depend on Math.random). */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

async function feed(h: RunningVms, token: string, samples: OutgoingSample[]) {
  const r = await postMetrics(h.baseUrl, encodeOtlpMetrics(samples), { token });
  expect(r).toEqual({ status: 200, body: {} });
}

const round = (n: number | null) => (n === null ? null : Math.round(n * 1e6) / 1e6);

describe('rollups equal aggregates recomputed from raw', () => {
  test('5-minute and 1-hour avg, max and count per metric, after batches arriving out of order', async ({ vms: h, auth }) => {
    const vms = await h.addVms(h.orgs.customerA, 3);
    const token = await auth.serviceToken('collector', ['telemetry:write']);
    const random = rng(7);
    const samples: OutgoingSample[] = [];
    for (const vm of vms) {
      for (let i = 0; i < 300; i += 1) {
        const spike = random() < 0.03;
        samples.push({
          vmRef: vm.id,
          at: slotAgo(20 * i + 20),
          values: {
            cpu_percent: spike ? 99.5 : 20 + random() * 30,
            // Memory sometimes missing: a rollup's count is per metric.
            ...(random() < 0.2 ? {} : { memory_percent: 40 + random() * 10 }),
            disk_read_bytes_per_second: Math.round(random() * 1e6),
            disk_write_bytes_per_second: Math.round(random() * 5e5),
            network_receive_bytes_per_second: Math.round(random() * 2e5),
            network_transmit_bytes_per_second: Math.round(random() * 1e5),
          },
        });
      }
    }
    // Four batches, newest quarter first: rollup rows are added to, not just written once.
    const quarter = samples.length / 4;
    // The newest quarter goes the fast way (raw only, then the rollup pass); the older ones arrive after the
    // pass went past them, so ingest adds them to the rollups itself.
    for (const q of [3, 0, 2, 1]) {
      await feed(h, token, samples.slice(q * quarter, (q + 1) * quarter));
      if (q === 3) await rollUpAll(h);
    }
    await rollUpAll(h);
    for (const [table, step] of [
      ['telemetry_5m', '5 minutes'],
      ['telemetry_1h', '1 hour'],
    ] as const) {
      const ids = vms.map((v) => v.id);
      const fromRaw = await sql<Record<string, number | string | Date | null>>`
        select vm_id, date_bin(${step}::interval, at, timestamptz '1970-01-01 00:00:00+00') as bucket,
          ${sql.join(METRIC_NAMES.map((m) => sql`avg(${sql.ref(m)}) as ${sql.ref(`avg_${m}`)}, max(${sql.ref(m)}) as ${sql.ref(`max_${m}`)}, count(${sql.ref(m)})::int as ${sql.ref(`n_${m}`)}`))}
        from telemetry_raw where vm_id = any(${ids}::uuid[]) group by 1, 2 order by 1, 2`.execute(h.db);
      const rollup = await sql<Record<string, number | string | Date | null>>`
        select vm_id, bucket,
          ${sql.join(METRIC_NAMES.map((m) => sql`${sql.ref(`${m}_sum`)} / nullif(${sql.ref(`${m}_count`)}, 0) as ${sql.ref(`avg_${m}`)}, ${sql.ref(`${m}_max`)} as ${sql.ref(`max_${m}`)}, ${sql.ref(`${m}_count`)} as ${sql.ref(`n_${m}`)}`))}
        from ${sql.table(table)} where vm_id = any(${ids}::uuid[]) order by 1, 2`.execute(h.db);
      const normal = (rows: Record<string, unknown>[]) =>
        rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' ? round(v) : v instanceof Date ? v.toISOString() : v])));
      expect(rollup.rows.length).toBeGreaterThanOrEqual(table === 'telemetry_5m' ? 3 * 20 : 3 * 2);
      expect(normal(rollup.rows)).toEqual(normal(fromRaw.rows));
    }
    // The spikes survive in max while the average stays low.
    const { rows } = await sql<{
      top: number;
    }>`select max(cpu_percent_max) as top from telemetry_1h where vm_id = any(${vms.map((v) => v.id)}::uuid[])`.execute(h.db);
    expect(rows[0]?.top).toBe(99.5);
  });
});

const METRICS = `query($id: ID!, $from: DateTime!, $to: DateTime, $resolution: MetricResolution) {
  virtualMachine(id: $id) { metrics(from: $from, to: $to, resolution: $resolution) {
    resolution stepSeconds from to timestamps cpuPercent { avg max } memoryPercent { avg max } } } }`;

describe('VirtualMachine.metrics', () => {
  test('RAW and FIVE_MINUTES series: one entry per bucket, null where nothing was measured (never zero)', async ({ vms: h, auth }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    const token = await auth.serviceToken('collector', ['telemetry:write']);
    const base = Math.floor(Date.now() / 300_000) * 300_000 - 3 * 300_000; // three 5-minute buckets ago
    const at = (s: number) => new Date(base + s * 1000);
    // Bucket 0: two samples; bucket 1: none; bucket 2: one, memory missing.
    await feed(h, token, [
      { vmRef: vm!.id, at: at(0), values: { cpu_percent: 10, memory_percent: 50 } },
      { vmRef: vm!.id, at: at(20), values: { cpu_percent: 30, memory_percent: 70 } },
      { vmRef: vm!.id, at: at(600), values: { cpu_percent: 90 } },
    ]);
    const viewer = await h.user(h.orgs.customerA, 'VIEWER');
    const five = await h.call(METRICS, { id: vm!.id, from: at(0).toISOString(), to: at(900).toISOString(), resolution: 'FIVE_MINUTES' }, viewer);
    expect(five.errors).toBeUndefined();
    expect(five.data.virtualMachine.metrics).toEqual({
      resolution: 'FIVE_MINUTES',
      stepSeconds: 300,
      from: at(0).toISOString(),
      to: at(900).toISOString(),
      timestamps: [at(0), at(300), at(600)].map((d) => d.toISOString()),
      cpuPercent: { avg: [20, null, 90], max: [30, null, 90] },
      memoryPercent: { avg: [60, null, null], max: [70, null, null] },
    });
    const raw = await h.call(METRICS, { id: vm!.id, from: at(0).toISOString(), to: at(60).toISOString(), resolution: 'RAW' }, viewer);
    expect(raw.data.virtualMachine.metrics).toMatchObject({
      resolution: 'RAW',
      stepSeconds: 20,
      timestamps: [at(0), at(20), at(40)].map((d) => d.toISOString()),
      cpuPercent: { avg: [10, 30, null], max: [10, 30, null] },
    });
  });

  test('AUTO keeps a series at or under 500 points, picking the store by window', async ({ vms: h }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    const viewer = await h.user(h.orgs.customerA, 'VIEWER');
    const now = Date.now();
    const cases: [string, number, string, number][] = [
      ['1 hour', 3600_000, 'RAW', 20],
      ['24 hours', 86_400_000, 'FIVE_MINUTES', 300],
      ['7 days', 7 * 86_400_000, 'FIVE_MINUTES', 1800],
      ['30 days', 30 * 86_400_000, 'HOUR', 7200],
      ['a year', 365 * 86_400_000, 'HOUR', 86_400],
    ];
    for (const [, span, resolution, step] of cases) {
      const r = await h.call(METRICS, { id: vm!.id, from: new Date(now - span).toISOString(), to: new Date(now).toISOString() }, viewer);
      expect(r.errors).toBeUndefined();
      const m = r.data.virtualMachine.metrics;
      expect([m.resolution, m.stepSeconds]).toEqual([resolution, step]);
      expect(m.timestamps.length).toBeLessThanOrEqual(501);
      expect(m.cpuPercent.avg.length).toBe(m.timestamps.length);
      expect(m.cpuPercent.avg.every((v: unknown) => v === null)).toBe(true);
    }
  });

  test('bad ranges are BAD_USER_INPUT naming the argument', async ({ vms: h }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    const viewer = await h.user(h.orgs.customerA, 'VIEWER');
    const now = Date.now();
    const iso = (ms: number) => new Date(ms).toISOString();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ from: iso(now), to: iso(now - 1000) }, 'to', 'to: must be after from.'],
      [{ from: iso(now - 401 * 86_400_000), to: iso(now) }, 'from', 'from: the window may span at most 400 days.'],
      [
        { from: iso(now - 30 * 86_400_000), to: iso(now), resolution: 'RAW' },
        'resolution',
        'resolution: RAW over this window is 129601 points, more than 5000: pick a coarser resolution or AUTO.',
      ],
    ];
    for (const [vars, field, message] of cases) {
      const r = await h.call(METRICS, { id: vm!.id, ...vars }, viewer);
      expect(codesOf(r)).toEqual(['BAD_USER_INPUT']);
      expect(r.errors?.[0]?.extensions?.['field']).toBe(field);
      if (field !== 'resolution') expect(r.errors?.[0]?.message).toBe(message);
      else expect(r.errors?.[0]?.message).toMatch(/^resolution: RAW over this window is \d+ points, more than 5000/);
    }
    const malformed = await h.call(METRICS, { id: vm!.id, from: 'yesterday' }, viewer);
    expect(codesOf(malformed)).toEqual(['BAD_USER_INPUT']);
  });
});

const HEALTH = `query($id: ID!) { virtualMachine(id: $id) { latestSample { at cpuPercent memoryPercent diskReadBytesPerSecond }
  health { score status reasons lastSampleAt } } }`;

describe('VirtualMachine.latestSample and health', () => {
  test('a busy VM, a quiet one, a silent one (UNKNOWN after 2 minutes), one never heard from, a stopped one', async ({ vms: h, auth }) => {
    const [busy, quiet, silent, never] = await h.addVms(h.orgs.customerA, 4);
    const [stopped] = await h.addVms(h.orgs.customerA, 1, { status: 'STOPPED', powerState: 'POWERED_OFF' });
    const token = await auth.serviceToken('collector', ['telemetry:write']);
    const t1 = slotAgo(20);
    const t0 = slotAgo(40);
    const old = slotAgo(200);
    await feed(h, token, [
      { vmRef: busy!.id, at: t0, values: { cpu_percent: 96, memory_percent: 91, disk_read_bytes_per_second: 1000 } },
      { vmRef: busy!.id, at: t1, values: { cpu_percent: 98, memory_percent: 93, disk_read_bytes_per_second: 3000 } },
      { vmRef: quiet!.id, at: t1, values: { cpu_percent: 12, memory_percent: 40 } },
      { vmRef: silent!.id, at: old, values: { cpu_percent: 5, memory_percent: 5 } },
    ]);
    const viewer = await h.user(h.orgs.resellerA, 'VIEWER');
    const ask = async (id: string) => (await h.call(HEALTH, { id }, viewer)).data.virtualMachine;
    expect(await ask(busy!.id)).toEqual({
      latestSample: { at: t1.toISOString(), cpuPercent: 98, memoryPercent: 93, diskReadBytesPerSecond: 3000 },
      health: {
        score: 35,
        status: 'CRITICAL',
        reasons: ['CPU at 97% (5-minute average).', 'Memory at 92% (5-minute average).'],
        lastSampleAt: t1.toISOString(),
      },
    });
    expect((await ask(quiet!.id)).health).toEqual({ score: 100, status: 'HEALTHY', reasons: [], lastSampleAt: t1.toISOString() });
    expect((await ask(silent!.id)).health).toEqual({
      score: null,
      status: 'UNKNOWN',
      reasons: ['No telemetry for 3 minutes.'],
      lastSampleAt: old.toISOString(),
    });
    expect(await ask(never!.id)).toEqual({
      latestSample: null,
      health: { score: null, status: 'UNKNOWN', reasons: ['No telemetry received in the last 48 hours.'], lastSampleAt: null },
    });
    expect((await ask(stopped!.id)).health).toEqual({ score: null, status: 'UNKNOWN', reasons: ['The VM is STOPPED.'], lastSampleAt: null });
  });
});

describe('tenancy: telemetry of a VM and of an organisation', () => {
  const cases: [string, VmsOrg, boolean][] = [
    ['provider', 'provider', true],
    ['its reseller', 'resellerA', true],
    ['the customer itself', 'customerA', true],
    ['a sibling customer', 'customerA2', false],
    ['another reseller', 'resellerB', false],
    ["another reseller's customer", 'customerB', false],
  ];
  const ALL = `query($id: ID!, $org: [_Any!]!, $vm: [_Any!]!, $from: DateTime!) {
    virtualMachine(id: $id) { latestSample { cpuPercent } health { status } metrics(from: $from) { cpuPercent { max } } }
    org: _entities(representations: $org) { ... on Organization { utilization(window: LAST_HOUR) { vmsReporting cpuPercent { max } } } }
    vm: _entities(representations: $vm) { ... on VirtualMachine { latestSample { cpuPercent } health { status } } }
  }`;
  for (const [who, org, sees] of cases) {
    test(`${who}: ${sees ? 'sees it' : 'sees nothing'}`, async ({ vms: h, auth }) => {
      // A VM of customerA2's sibling customerA, with one sample.
      const [vm] = await h.addVms(h.orgs.customerA, 1, { name: `tenancy-${org}` });
      await feed(h, await auth.serviceToken('collector', ['telemetry:write']), [{ vmRef: vm!.id, at: slotAgo(20), values: { cpu_percent: 33 } }]);
      const r = await h.call(
        ALL,
        {
          id: vm!.id,
          from: new Date(Date.now() - 600_000).toISOString(),
          org: [{ __typename: 'Organization', id: h.orgs.customerA }],
          vm: [{ __typename: 'VirtualMachine', id: vm!.id }],
        },
        await h.user(h.orgs[org], 'VIEWER'),
      );
      expect(r.errors).toBeUndefined();
      if (sees) {
        expect(r.data.virtualMachine.latestSample).toEqual({ cpuPercent: 33 });
        expect(r.data.virtualMachine.health).toEqual({ status: 'HEALTHY' });
        expect(r.data.virtualMachine.metrics.cpuPercent.max).toContain(33);
        expect(r.data.org[0].utilization.vmsReporting).toBeGreaterThanOrEqual(1);
        expect(r.data.vm).toEqual([{ latestSample: { cpuPercent: 33 }, health: { status: 'HEALTHY' } }]);
      } else {
        expect(r.data).toEqual({ virtualMachine: null, org: [{ utilization: null }], vm: [null] });
      }
    });
  }
  test('a service token (telemetry:write) reads nothing', async ({ vms: h, auth }) => {
    const r = await h.call(
      'query($o: [_Any!]!) { _entities(representations: $o) { ... on Organization { utilization { vmsReporting } } } }',
      {
        o: [{ __typename: 'Organization', id: h.orgs.customerA }],
      },
      await auth.serviceToken('collector', ['telemetry:write']),
    );
    expect(r.data._entities).toEqual([{ utilization: null }]);
  });
});

describe('Organization.utilization', () => {
  test('fleet average over every sample and max, SELF and SUBTREE, equal to figures recomputed from raw', async ({ vms: h, auth }) => {
    const a = await h.addVms(h.orgs.customerA2, 2);
    const token = await auth.serviceToken('collector', ['telemetry:write']);
    await feed(h, token, [
      { vmRef: a[0]!.id, at: slotAgo(20), values: { cpu_percent: 10, memory_percent: 20 } },
      { vmRef: a[0]!.id, at: slotAgo(40), values: { cpu_percent: 20, memory_percent: 20 } },
      { vmRef: a[1]!.id, at: slotAgo(20), values: { cpu_percent: 90 } },
    ]);
    const q = `query($o: [_Any!]!) { _entities(representations: $o) { ... on Organization {
      self: utilization(window: LAST_HOUR) { window vmsReporting cpuPercent { avg max } memoryPercent { avg max } diskReadBytesPerSecond { avg max } }
      tree: utilization(window: LAST_DAY, scope: SUBTREE) { vmsReporting } } } }`;
    const r = await h.call(q, { o: [{ __typename: 'Organization', id: h.orgs.customerA2 }] }, await h.user(h.orgs.customerA2, 'VIEWER'));
    expect(r.errors).toBeUndefined();
    expect(r.data._entities[0].self).toEqual({
      window: 'LAST_HOUR',
      vmsReporting: 2,
      cpuPercent: { avg: 40, max: 90 },
      memoryPercent: { avg: 20, max: 20 },
      diskReadBytesPerSecond: { avg: null, max: null },
    });
    expect(r.data._entities[0].tree).toEqual({ vmsReporting: 2 });
  });
});

describe('batching', () => {
  test('a page of 100 VMs with latestSample, health and metrics costs the same statements as a page of 10', async ({ vms: h, auth }) => {
    const vms = await h.addVms(h.orgs.directCustomer, 100);
    const token = await auth.serviceToken('collector', ['telemetry:write']);
    await feed(
      h,
      token,
      // Below the default thresholds: no alert opens, so no outbox relay runs statements while the page is counted.
      vms.map((vm, i) => ({ vmRef: vm.id, at: slotAgo(20), values: { cpu_percent: i % 80, memory_percent: 50 } })),
    );
    const viewer = await h.user(h.orgs.directCustomer, 'VIEWER');
    const page = `query($o: [_Any!]!, $first: Int!, $from: DateTime!) { _entities(representations: $o) { ... on Organization {
      virtualMachines(first: $first) { edges { node { id latestSample { cpuPercent } health { score status } metrics(from: $from) { cpuPercent { avg } } } } } } } }`;
    const counts: number[] = [];
    for (const first of [10, 100]) {
      // The least of three reads: a statement of background work that lands in the window (seen once in CI,
      // not reproduced) must not count as the page's; a per-VM statement would show in every read.
      const tries: { count: number; statements: string[] }[] = [];
      for (let attempt = 0; attempt < 3; attempt += 1) {
        h.statements.reset();
        const r = await h.call(
          page,
          { o: [{ __typename: 'Organization', id: h.orgs.directCustomer }], first, from: new Date(Date.now() - 3600_000).toISOString() },
          viewer,
        );
        expect(r.errors).toBeUndefined();
        expect(r.data._entities[0].virtualMachines.edges).toHaveLength(first);
        tries.push({ count: h.statements.count, statements: [...h.statements.statements] });
      }
      const counted = tries.map((t) => t.count);
      if (new Set(counted).size > 1)
        console.log(
          `page of ${first}: statements per read ${counted.join(', ')}`,
          tries.map((t) => t.statements.map((q) => q.trim().slice(0, 80))),
        );
      counts.push(Math.min(...counted));
    }
    expect(counts[1]).toBe(counts[0]);
    // The page, the series, the latest samples, the recent load and the open alerts health weighs: five statements.
    expect(counts[0]).toBe(5);
  });
});
