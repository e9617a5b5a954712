import { describe, expect } from 'vitest';
import { sql } from 'kysely';
import type { IngestedSample } from '../src/domain/telemetry/samples.ts';
import { vmsTest } from './support/fixtures.ts';
import { gauge, postMetrics, rawRows, resource, rollUpAll, slotAgo } from './support/telemetry.ts';

const test = vmsTest;
const CPU = 'vcenter.vm.cpu.utilization';
const MEM = 'vcenter.vm.memory.utilization';
const DISK = 'vcenter.vm.disk.throughput';
const NET = 'vcenter.vm.network.throughput';

describe('POST /v1/metrics: validation per data point, OTLP partial success', () => {
  test('stores the good points and rejects the bad ones, counting each', async ({ vms: h, auth }) => {
    const [a, b] = await h.addVms(h.orgs.customerA, 2);
    const t = slotAgo(60);
    const token = await auth.serviceToken('collector', ['telemetry:write']);
    const body = {
      resourceMetrics: [
        resource(a!.id, [
          gauge(CPU, '%', [
            { at: t, value: 42.5 },
            { at: Date.now() + 10 * 60_000, value: 10 }, // 10 minutes ahead
            { at: Date.now() - 49 * 3600_000, value: 10 }, // older than raw retention
          ]),
          gauge(MEM, '%', [{ at: t, value: 61 }]),
          gauge(DISK, '{KiBy/s}', [
            { at: t, value: 100, direction: 'read' },
            { at: t, value: 50, direction: 'write' },
            { at: t, value: 5 }, // no direction
          ]),
          gauge(NET, '{KiBy/s}', [
            { at: t, value: 8, direction: 'received' },
            { at: t, value: 4, direction: 'transmitted' },
          ]),
          gauge('vcenter.vm.memory.ballooned', 'MiBy', [{ at: t, value: 3 }]), // not kept: ignored, not rejected
        ]),
        resource(b!.id, [
          gauge(CPU, '%', [{ at: t, value: 140 }]), // over 100 %
          gauge(MEM, '%', [{ at: t, value: 30 }]),
          gauge(NET, '{KiBy/s}', [{ at: t, value: -1, direction: 'received' }]), // negative rate
        ]),
        resource('9f0c6a1e-5b7e-4c7e-9a2b-3c4d5e6f7a8b', [gauge(CPU, '%', [{ at: t, value: 5 }]), gauge(MEM, '%', [{ at: t, value: 5 }])]), // unknown VM
        resource(null, [gauge(CPU, '%', [{ at: t, value: 5 }])]), // no vcenter.vm.id
      ],
    };
    const r = await postMetrics(h.baseUrl, body, { token });
    expect(r.status).toBe(200);
    expect(r.body.partialSuccess.rejectedDataPoints).toBe('8');
    const message: string = r.body.partialSuccess.errorMessage;
    expect(message).toContain('8 data points rejected');
    for (const reason of [
      'timestamp more than 5 minutes in the future (1)',
      'timestamp older than the raw retention (48 h) (1)',
      'attribute direction is missing (1)',
      'cpu_percent outside 0–100 (1)',
      'network_receive_bytes_per_second negative (1)',
      'no VM you may report on has vcenter.vm.id "9f0c6a1e-5b7e-4c7e-9a2b-3c4d5e6f7a8b" (2)',
      'the resource has no vcenter.vm.id attribute (1)',
      '1 data point of metrics the platform does not keep ignored',
    ]) {
      expect(message).toContain(reason);
    }
    expect(await rawRows(h.db, [a!.id, b!.id])).toEqual(
      [
        {
          vm_id: a!.id,
          at: t,
          cpu_percent: 42.5,
          memory_percent: 61,
          disk_read_bytes_per_second: 102_400,
          disk_write_bytes_per_second: 51_200,
          network_receive_bytes_per_second: 8192,
          network_transmit_bytes_per_second: 4096,
        },
        {
          vm_id: b!.id,
          at: t,
          cpu_percent: null,
          memory_percent: 30,
          disk_read_bytes_per_second: null,
          disk_write_bytes_per_second: null,
          network_receive_bytes_per_second: null,
          network_transmit_bytes_per_second: null,
        },
      ].sort((x, y) => (x.vm_id < y.vm_id ? -1 : 1)),
    );
  });

  test('a batch with nothing wrong answers {} and is committed before the answer', async ({ vms: h, auth }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    const t = slotAgo(40);
    const r = await postMetrics(
      h.baseUrl,
      { resourceMetrics: [resource(vm!.id, [gauge(CPU, '%', [{ at: t, value: 12 }])])] },
      {
        token: await auth.serviceToken('collector', ['telemetry:write']),
      },
    );
    expect(r).toEqual({ status: 200, body: {} });
    expect((await rawRows(h.db, [vm!.id])).map((row) => [row.at, row.cpu_percent])).toEqual([[t, 12]]);
  });

  test('values and instants are stored exactly (binary COPY): fractions, zero, huge rates, milliseconds; missing metrics are null', async ({
    vms: h,
    auth,
  }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    const t = new Date(slotAgo(120).getTime() + 123);
    const body = {
      resourceMetrics: [
        resource(vm!.id, [
          gauge(CPU, '%', [{ at: t, value: 100 / 3 }]),
          gauge(MEM, '%', [{ at: t, value: 0 }]),
          gauge(DISK, 'By/s', [{ at: t, value: 0.5, direction: 'write' }]),
          gauge(NET, 'By/s', [{ at: t, value: 1e12, direction: 'received' }]),
        ]),
      ],
    };
    expect(await postMetrics(h.baseUrl, body, { token: await auth.serviceToken('collector', ['telemetry:write']) })).toEqual({ status: 200, body: {} });
    const { rows } = await sql<Record<string, unknown>>`
      select at, to_char(at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US') as at_text, cpu_percent, memory_percent, disk_read_bytes_per_second,
        disk_write_bytes_per_second, network_receive_bytes_per_second, network_transmit_bytes_per_second
      from telemetry_raw where vm_id = ${vm!.id}`.execute(h.db);
    expect(rows).toEqual([
      {
        at: t,
        at_text: t.toISOString().replace('Z', '000'),
        cpu_percent: 33.333333333333336,
        memory_percent: 0,
        disk_read_bytes_per_second: null,
        disk_write_bytes_per_second: 0.5,
        network_receive_bytes_per_second: 1e12,
        network_transmit_bytes_per_second: null,
      },
    ]);
  });

  test("a batch records each VM's newest sample as its last-seen time, moving it on only by 60 s or more", async ({ vms: h, auth }) => {
    const instanceUuid = '6a0b1c2d-3e4f-4a5b-8c6d-7e8f9a0b1c2d';
    const [a] = await h.addVms(h.orgs.customerA, 1, { instanceUuid });
    const [b] = await h.addVms(h.orgs.customerA, 1);
    const token = await auth.serviceToken('collector', ['telemetry:write']);
    const seen = async () => {
      const { rows } = await sql<{ vm_id: string; last_sample_at: Date }>`
        select vm_id, last_sample_at from vm_telemetry_seen where vm_id in (${a!.id}, ${b!.id})`.execute(h.db);
      return Object.fromEntries(rows.map((r) => [r.vm_id === a!.id ? 'a' : 'b', r.last_sample_at.toISOString()]));
    };
    const post = async (points: { vm: string; at: Date }[]) => {
      const r = await postMetrics(h.baseUrl, { resourceMetrics: points.map((p) => resource(p.vm, [gauge(CPU, '%', [{ at: p.at, value: 5 }])])) }, { token });
      expect(r).toEqual({ status: 200, body: {} });
    };
    const t0 = slotAgo(200);
    const plus = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
    // a (named by its instance UUID and by our id in one batch: one VM) reports twice, b once; nothing is recorded before.
    expect(await seen()).toEqual({});
    await post([
      { vm: instanceUuid, at: t0 },
      { vm: a!.id, at: plus(20) },
      { vm: b!.id, at: t0 },
    ]);
    expect(await seen()).toEqual({ a: plus(20).toISOString(), b: t0.toISOString() });
    // 40 s on is less than the granularity: not written; 60 s on is; an older sample never moves it back.
    await post([
      { vm: a!.id, at: plus(60) },
      { vm: b!.id, at: plus(60) },
    ]);
    expect(await seen()).toEqual({ a: plus(20).toISOString(), b: plus(60).toISOString() });
    await post([
      { vm: a!.id, at: plus(80) },
      { vm: b!.id, at: plus(-20) },
    ]);
    expect(await seen()).toEqual({ a: plus(80).toISOString(), b: plus(60).toISOString() });
  });

  test('the VM is found by its vCenter instance UUID; gzip bodies are read; per-disk points add up', async ({ vms: h, auth }) => {
    const instanceUuid = '5012a3b4-c5d6-4e7f-8a9b-0c1d2e3f4a5b';
    const [vm] = await h.addVms(h.orgs.customerB, 1, { instanceUuid });
    const t = slotAgo(100);
    const body = {
      resourceMetrics: [
        resource(instanceUuid.toUpperCase(), [
          gauge(DISK, '{KiBy/s}', [
            { at: t, value: 10, direction: 'read', object: 'scsi0:0' },
            { at: t, value: 30, direction: 'read', object: 'scsi0:1' },
          ]),
          gauge(NET, 'By/s', [{ at: t, value: 777, direction: 'transmitted', object: '4000' }]),
        ]),
      ],
    };
    const r = await postMetrics(h.baseUrl, body, { token: await auth.serviceToken('collector', ['telemetry:write']), gzip: true });
    expect(r).toEqual({ status: 200, body: {} });
    const [row] = await rawRows(h.db, [vm!.id]);
    expect([row?.disk_read_bytes_per_second, row?.network_transmit_bytes_per_second, row?.cpu_percent]).toEqual([40 * 1024, 777, null]);
  });

  test('the same batch sent twice is stored once: the retry is rejected as already stored, rollups count it once', async ({ vms: h, auth }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    const t = slotAgo(120);
    const body = { resourceMetrics: [resource(vm!.id, [gauge(CPU, '%', [{ at: t, value: 50 }]), gauge(MEM, '%', [{ at: t, value: 20 }])])] };
    const token = await auth.serviceToken('collector', ['telemetry:write']);
    expect((await postMetrics(h.baseUrl, body, { token })).body).toEqual({});
    const again = await postMetrics(h.baseUrl, body, { token });
    expect(again.body.partialSuccess).toEqual({
      rejectedDataPoints: '2',
      errorMessage: '2 data points rejected: a sample for this VM and timestamp is already stored (2).',
    });
    await rollUpAll(h);
    const { rows } = await sql<{
      n: number;
      c: number;
    }>`select cpu_percent_count as n, memory_percent_count as c from telemetry_5m where vm_id = ${vm!.id}`.execute(h.db);
    expect(rows).toEqual([{ n: 1, c: 1 }]);
  });
});

describe('POST /v1/metrics: who may send', () => {
  const body = (vmId: string) => ({ resourceMetrics: [resource(vmId, [gauge(CPU, '%', [{ at: slotAgo(20), value: 1 }])])] });

  test('no token is 401, a token without telemetry:write is 403; nothing is written', async ({ vms: h, auth }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    expect(await postMetrics(h.baseUrl, body(vm!.id))).toEqual({
      status: 401,
      body: { code: 16, message: 'Send a bearer token with the scope telemetry:write.' },
    });
    expect(await postMetrics(h.baseUrl, body(vm!.id), { token: 'not-a-jwt' })).toMatchObject({ status: 401, body: { code: 16 } });
    const wrongService = await auth.serviceToken('vms', ['tenancy:read']);
    expect(await postMetrics(h.baseUrl, body(vm!.id), { token: wrongService })).toEqual({
      status: 403,
      body: { code: 7, message: 'This token lacks the scope telemetry:write.' },
    });
    const admin = await h.user(h.orgs.provider, 'ADMIN');
    expect((await postMetrics(h.baseUrl, body(vm!.id), { token: admin })).status).toBe(403);
    expect(await rawRows(h.db, [vm!.id])).toEqual([]);
  });

  test("an organisation's key with telemetry:write feeds its own VMs only: another tenant's VM is an unknown VM", async ({ vms: h, auth }) => {
    const [own] = await h.addVms(h.orgs.customerA, 1);
    const [foreign] = await h.addVms(h.orgs.customerB, 1);
    const key = await auth.userToken({ sub: 'api-key-1', org: h.orgs.customerA, role: 'MEMBER', scopes: ['telemetry:write'] });
    const r = await postMetrics(h.baseUrl, { resourceMetrics: [...body(own!.id).resourceMetrics, ...body(foreign!.id).resourceMetrics] }, { token: key });
    expect(r.body.partialSuccess).toEqual({
      rejectedDataPoints: '1',
      errorMessage: `1 data point rejected: no VM you may report on has vcenter.vm.id "${foreign!.id}" (1).`,
    });
    expect((await rawRows(h.db, [own!.id, foreign!.id])).map((row) => row.vm_id)).toEqual([own!.id]);
  });

  test('protobuf is 415, malformed JSON or envelope is 400 naming the problem; nothing is written', async ({ vms: h, auth }) => {
    const token = await auth.serviceToken('collector', ['telemetry:write']);
    expect(await postMetrics(h.baseUrl, null, { token, contentType: 'application/x-protobuf', raw: 'xx' })).toEqual({
      status: 415,
      body: { code: 3, message: 'Content-Type application/x-protobuf is not supported: send OTLP/HTTP JSON (application/json).' },
    });
    expect(await postMetrics(h.baseUrl, null, { token, raw: '{"resourceMetrics": [' })).toEqual({
      status: 400,
      body: { code: 3, message: 'The body is not valid JSON.' },
    });
    expect(await postMetrics(h.baseUrl, { resourceMetrics: {} }, { token })).toEqual({
      status: 400,
      body: { code: 3, message: 'resourceMetrics: must be an array.' },
    });
    expect(await postMetrics(h.baseUrl, [1], { token })).toMatchObject({ status: 400, body: { code: 3 } });
    const { rows } = await sql<{ n: string }>`select count(*) as n from telemetry_raw where at > now() - interval '1 second'`.execute(h.db);
    expect(rows[0]?.n).toBe('0');
  });
});

describe('sample listeners', () => {
  test('are called after commit with the stored samples; a failing listener loses nothing', async ({ vms: h, auth }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    const seen: IngestedSample[][] = [];
    const removeGood = h.subgraph.telemetry.addListener({
      onSamples: async (samples) => {
        // Committed before listeners run: the row is visible from another connection.
        expect((await rawRows(h.db, [vm!.id])).length).toBe(1);
        seen.push([...samples]);
      },
    });
    const removeBad = h.subgraph.telemetry.addListener({
      onSamples: async () => {
        throw new Error('listener down');
      },
    });
    const t = slotAgo(140);
    const r = await postMetrics(
      h.baseUrl,
      { resourceMetrics: [resource(vm!.id, [gauge(CPU, '%', [{ at: t, value: 77 }])])] },
      {
        token: await auth.serviceToken('collector', ['telemetry:write']),
      },
    );
    removeGood();
    removeBad();
    expect(r).toEqual({ status: 200, body: {} });
    expect(seen).toEqual([[{ vmId: vm!.id, organizationId: h.orgs.customerA, at: t, values: { cpu_percent: 77 } }]]);
  });
});

describe('concurrent batches', () => {
  test('batches racing on the same VMs and rollup buckets all commit, each sample counted once; a duplicate racing its original is stored once', async ({
    vms: h,
    auth,
  }) => {
    const vms = await h.addVms(h.orgs.customerB, 40);
    const token = await auth.serviceToken('collector', ['telemetry:write']);
    const t = Math.floor(Date.now() / 300_000) * 300_000 - 600_000; // a 5-minute bucket 10 minutes ago
    const batch = (offsetS: number, order: typeof vms) => ({
      resourceMetrics: order.map((vm) => resource(vm.id, [gauge(CPU, '%', [{ at: t + offsetS * 1000, value: offsetS }])])),
    });
    const reversed = [...vms].reverse();
    const answers = await Promise.all([
      postMetrics(h.baseUrl, batch(0, vms), { token }),
      postMetrics(h.baseUrl, batch(20, reversed), { token }),
      postMetrics(h.baseUrl, batch(40, vms), { token }),
      postMetrics(h.baseUrl, batch(60, reversed), { token }),
      postMetrics(h.baseUrl, batch(60, vms), { token }), // the same samples as the one before
    ]);
    expect(answers.slice(0, 4).map((a) => a.body)).toEqual([{}, {}, {}, expect.anything()]);
    const duplicates = answers.slice(3).map((a) => Number(a.body.partialSuccess?.rejectedDataPoints ?? 0));
    expect(duplicates.sort()).toEqual([0, 40]);
    await rollUpAll(h);
    const { rows } = await sql<{ n: number; s: number; m: number }>`
      select cpu_percent_count as n, cpu_percent_sum as s, cpu_percent_max as m from telemetry_5m
      where vm_id = any(${vms.map((v) => v.id)}::uuid[])`.execute(h.db);
    expect(rows).toHaveLength(40);
    expect(new Set(rows.map((r) => JSON.stringify(r)))).toEqual(new Set([JSON.stringify({ n: 4, s: 120, m: 60 })]));
  });
});
