import { sql } from 'kysely';
import { describe, expect } from 'vitest';
import { encodeOtlpMetrics, type OutgoingSample } from '../src/domain/telemetry/otlp-encode.ts';
import { vmsTest, type RunningVms } from './support/fixtures.ts';
import { postMetrics } from './support/telemetry.ts';

const test = vmsTest;

const METRICS = `query($id: ID!, $from: DateTime!, $to: DateTime, $resolution: MetricResolution) {
  virtualMachine(id: $id) { metrics(from: $from, to: $to, resolution: $resolution) { timestamps cpuPercent { avg max } } } }`;

async function feed(h: RunningVms, token: string, samples: OutgoingSample[]) {
  return postMetrics(h.baseUrl, encodeOtlpMetrics(samples), { token });
}

const fiveMinuteRows = async (h: RunningVms, vmId: string) =>
  (
    await sql<{ bucket: Date; n: number; s: number; m: number }>`
      select bucket, cpu_percent_count as n, cpu_percent_sum as s, cpu_percent_max as m from telemetry_5m where vm_id = ${vmId} order by bucket`.execute(h.db)
  ).rows.map((r) => [r.bucket.toISOString(), r.n, r.s, r.m]);

// The tests of this file run in order on one database: the watermark only moves forward.
describe('rollups built from raw by the rollup pass', () => {
  test('ingest writes raw only; queries add the samples not rolled up yet, so figures are the same before and after the pass', async ({ vms: h, auth }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    const token = await auth.serviceToken('collector', ['telemetry:write']);
    // Two buckets ten minutes into the previous hour: one hour holds both, whatever the time of day.
    const bucket = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3_600_000 + 600_000;
    const at = (s: number) => new Date(bucket + s * 1000);
    expect(
      await feed(h, token, [
        { vmRef: vm!.id, at: at(0), values: { cpu_percent: 10 } },
        { vmRef: vm!.id, at: at(20), values: { cpu_percent: 40 } },
        { vmRef: vm!.id, at: at(300), values: { cpu_percent: 70 } },
      ]),
    ).toEqual({ status: 200, body: {} });
    expect(await fiveMinuteRows(h, vm!.id)).toEqual([]);
    const viewer = await h.user(h.orgs.customerA, 'VIEWER');
    const vars = { id: vm!.id, from: at(0).toISOString(), to: at(600).toISOString() };
    const expected = { timestamps: [at(0).toISOString(), at(300).toISOString()], cpuPercent: { avg: [25, 70], max: [40, 70] } };
    const hourExpected = { avg: [40], max: [70] };
    const before = await h.call(METRICS, { ...vars, resolution: 'FIVE_MINUTES' }, viewer);
    expect(before.data.virtualMachine.metrics).toEqual(expected);
    const hourBefore = await h.call(METRICS, { ...vars, resolution: 'HOUR' }, viewer);
    // The hour holding both buckets: avg over the three samples.
    expect(hourBefore.data.virtualMachine.metrics.cpuPercent).toEqual(hourExpected);

    // The pass rolls up to the end of the first bucket only: one bucket from the rollup, the next from raw.
    await h.subgraph.services.telemetryRollups.rollUp(at(300));
    expect(await fiveMinuteRows(h, vm!.id)).toEqual([[at(0).toISOString(), 2, 50, 40]]);
    expect((await h.call(METRICS, { ...vars, resolution: 'FIVE_MINUTES' }, viewer)).data.virtualMachine.metrics).toEqual(expected);
    expect((await h.call(METRICS, { ...vars, resolution: 'HOUR' }, viewer)).data.virtualMachine.metrics.cpuPercent).toEqual(hourExpected);

    // A second pass over the same window adds nothing; a pass to the end takes the rest.
    await h.subgraph.services.telemetryRollups.rollUp(at(300));
    await h.subgraph.services.telemetryRollups.rollUp(at(600));
    expect(await fiveMinuteRows(h, vm!.id)).toEqual([
      [at(0).toISOString(), 2, 50, 40],
      [at(300).toISOString(), 1, 70, 70],
    ]);
    expect((await h.call(METRICS, { ...vars, resolution: 'FIVE_MINUTES' }, viewer)).data.virtualMachine.metrics).toEqual(expected);

    // A late sample, for a bucket the pass has gone past, is added to the rollups by ingest itself, once.
    const late = [{ vmRef: vm!.id, at: at(40), values: { cpu_percent: 100 } }];
    expect(await feed(h, token, late)).toEqual({ status: 200, body: {} });
    expect((await feed(h, token, late)).body.partialSuccess?.rejectedDataPoints).toBe('1');
    expect(await fiveMinuteRows(h, vm!.id)).toEqual([
      [at(0).toISOString(), 3, 150, 100],
      [at(300).toISOString(), 1, 70, 70],
    ]);
  });

  test('a COPY that meets a stored sample falls back to storing only the new ones; racing duplicates are stored once', async ({ vms: h, auth }) => {
    const vms = await h.addVms(h.orgs.customerB, 20);
    const token = await auth.serviceToken('collector', ['telemetry:write']);
    const t = Math.floor(Date.now() / 20_000) * 20_000 + 40_000; // ahead of the pass (but within 5 minutes of now)
    const batch = (offsetS: number, value: number) => vms.map((vm) => ({ vmRef: vm.id, at: new Date(t + offsetS * 1000), values: { cpu_percent: value } }));
    expect((await feed(h, token, batch(0, 5))).body).toEqual({});
    // Half new, half already stored: the new ones are stored, the others rejected as duplicates.
    const mixed = [...batch(0, 6).slice(0, 10), ...batch(20, 6)];
    expect((await feed(h, token, mixed)).body.partialSuccess).toEqual({
      rejectedDataPoints: '10',
      errorMessage: '10 data points rejected: a sample for this VM and timestamp is already stored (10).',
    });
    const racing = await Promise.all([feed(h, token, batch(40, 7)), feed(h, token, batch(40, 7)), feed(h, token, batch(60, 8))]);
    expect(racing.map((r) => Number(r.body.partialSuccess?.rejectedDataPoints ?? 0)).sort()).toEqual([0, 0, 20]);
    const { rows } = await sql<{ at: Date; n: string; s: number }>`
      select at, count(*) as n, sum(cpu_percent) as s from telemetry_raw where vm_id = any(${vms.map((v) => v.id)}::uuid[]) group by at order by at`.execute(
      h.db,
    );
    expect(rows.map((r) => [r.at.getTime() - t, Number(r.n), r.s])).toEqual([
      [0, 20, 100],
      [20_000, 20, 120],
      [40_000, 20, 140],
      [60_000, 20, 160],
    ]);
    await h.subgraph.services.telemetryRollups.rollUp(new Date(t + 600_000));
    const { rows: rolled } = await sql<{ n: string; c: number; s: number }>`
      select count(*) as n, sum(cpu_percent_count)::int as c, sum(cpu_percent_sum) as s from telemetry_1h where vm_id = any(${vms.map((v) => v.id)}::uuid[])`.execute(
      h.db,
    );
    expect(rolled[0]!.c).toBe(80);
    expect(rolled[0]!.s).toBe(520);
  });
});
