import { inTransaction } from '@platform/kernel';
import { sql } from 'kysely';
import { describe, expect } from 'vitest';
import { listPartitions } from '../src/db/telemetry-partitions.ts';
import { insertSamples } from '../src/db/telemetry-repository.ts';
import { expiredPartitions, parsePartitionName, partitionFor, TIERS } from '../src/domain/telemetry/tiers.ts';
import { vmsTest } from './support/fixtures.ts';

const test = vmsTest;
const DAY = 86_400_000;

describe('partition boundaries', () => {
  test('the last instant of a day and the first of the next land in their own daily partitions; rollups follow their bucket', async ({ vms: h }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    const partitions = h.subgraph.services.telemetryPartitions;
    const before = new Date('2026-10-31T23:59:59.999Z');
    const after = new Date('2026-11-01T00:00:00.000Z');
    await partitions.ensureFor([before, after]);
    await inTransaction(h.db, (trx) =>
      insertSamples(trx, [
        { vmId: vm!.id, at: before, values: { cpu_percent: 1 } },
        { vmId: vm!.id, at: after, values: { cpu_percent: 2 } },
      ]),
    );
    const where = async (table: string, column: string) =>
      (
        await sql<{
          part: string;
          t: Date;
        }>`select tableoid::regclass::text as part, ${sql.ref(column)} as t from ${sql.table(table)} where vm_id = ${vm!.id} order by 2`.execute(h.db)
      ).rows.map((r) => [r.part, r.t.toISOString()]);
    expect(await where('telemetry_raw', 'at')).toEqual([
      ['telemetry_raw_20261031', '2026-10-31T23:59:59.999Z'],
      ['telemetry_raw_20261101', '2026-11-01T00:00:00.000Z'],
    ]);
    expect(await where('telemetry_5m', 'bucket')).toEqual([
      ['telemetry_5m_20261031', '2026-10-31T23:55:00.000Z'],
      ['telemetry_5m_20261101', '2026-11-01T00:00:00.000Z'],
    ]);
    expect(await where('telemetry_1h', 'bucket')).toEqual([
      ['telemetry_1h_202610', '2026-10-31T23:00:00.000Z'],
      ['telemetry_1h_202611', '2026-11-01T00:00:00.000Z'],
    ]);
  });

  test('partition names and ranges: days and months in UTC, read back from the name', () => {
    expect(partitionFor(TIERS.raw, new Date('2026-02-28T12:00:00Z'))).toEqual({
      name: 'telemetry_raw_20260228',
      from: new Date('2026-02-28T00:00:00Z'),
      to: new Date('2026-03-01T00:00:00Z'),
    });
    expect(partitionFor(TIERS.hour, new Date('2026-12-31T23:59:59Z'))).toEqual({
      name: 'telemetry_1h_202612',
      from: new Date('2026-12-01T00:00:00Z'),
      to: new Date('2027-01-01T00:00:00Z'),
    });
    expect(parsePartitionName(TIERS.fiveMinutes, 'telemetry_5m_20261129')?.to).toEqual(new Date('2026-11-30T00:00:00Z'));
    expect(parsePartitionName(TIERS.fiveMinutes, 'telemetry_5m_202611')).toBeNull();
    expect(parsePartitionName(TIERS.raw, 'telemetry_raw_default')).toBeNull();
    // Raw keeps 48 h: at 2026-11-29 12:00 the partition of the 27th (ends 28th 00:00) is past it, the 28th's is not.
    const now = new Date('2026-11-29T12:00:00Z');
    expect(expiredPartitions(TIERS.raw, ['telemetry_raw_20261126', 'telemetry_raw_20261127', 'telemetry_raw_20261128'], now).map((p) => p.name)).toEqual([
      'telemetry_raw_20261126',
    ]);
  });
});

describe('retention and maintenance', () => {
  test('a pass drops partitions wholly past each tier retention, keeps the newer ones and creates the days ahead', async ({ vms: h }) => {
    const [vm] = await h.addVms(h.orgs.customerA, 1);
    const partitions = h.subgraph.services.telemetryPartitions;
    const now = new Date();
    const at = (msAgo: number) => new Date(now.getTime() - msAgo);
    // Old and recent rows in every tier (the rollups are filled by the same statement as raw).
    const instants = [at(4 * DAY), at(1 * DAY), at(40 * DAY), at(440 * DAY)];
    await partitions.ensureFor(instants);
    await inTransaction(h.db, (trx) =>
      insertSamples(
        trx,
        instants.map((t) => ({ vmId: vm!.id, at: t, values: { cpu_percent: 5 } })),
      ),
    );
    const result = await partitions.maintain(now);
    const raw = await listPartitions(h.db, TIERS.raw);
    const five = await listPartitions(h.db, TIERS.fiveMinutes);
    const hour = await listPartitions(h.db, TIERS.hour);
    expect(raw).not.toContain(partitionFor(TIERS.raw, at(4 * DAY)).name);
    expect(raw).not.toContain(partitionFor(TIERS.raw, at(40 * DAY)).name);
    expect(raw).toContain(partitionFor(TIERS.raw, at(1 * DAY)).name);
    expect(five).not.toContain(partitionFor(TIERS.fiveMinutes, at(40 * DAY)).name);
    expect(five).toContain(partitionFor(TIERS.fiveMinutes, at(4 * DAY)).name);
    expect(hour).not.toContain(partitionFor(TIERS.hour, at(440 * DAY)).name);
    expect(hour).toContain(partitionFor(TIERS.hour, at(40 * DAY)).name);
    expect(result.dropped).toEqual(
      expect.arrayContaining([
        partitionFor(TIERS.raw, at(4 * DAY)).name,
        partitionFor(TIERS.raw, at(40 * DAY)).name,
        partitionFor(TIERS.raw, at(440 * DAY)).name,
        partitionFor(TIERS.fiveMinutes, at(40 * DAY)).name,
        partitionFor(TIERS.hour, at(440 * DAY)).name,
      ]),
    );
    // Days ahead exist (TELEMETRY_PARTITION_DAYS_AHEAD, 3 by default).
    for (let d = 0; d <= 3; d += 1) expect(raw).toContain(partitionFor(TIERS.raw, new Date(now.getTime() + d * DAY)).name);
    // The kept rows are still there; the dropped ones are gone.
    const { rows } = await sql<{ at: Date }>`select at from telemetry_raw where vm_id = ${vm!.id}`.execute(h.db);
    expect(rows.map((r) => r.at)).toEqual([at(1 * DAY)]);
    const hourRows = await sql<{ n: string }>`select count(*) as n from telemetry_1h where vm_id = ${vm!.id}`.execute(h.db);
    expect(hourRows.rows[0]?.n).toBe('3');
  });

  test('concurrent passes (two processes) both succeed and create each partition once', async ({ vms: h }) => {
    const partitions = h.subgraph.services.telemetryPartitions;
    const future = new Date(Date.now() + 20 * DAY);
    const { TelemetryPartitions } = await import('../src/domain/telemetry/partition-maintenance.ts');
    const other = new TelemetryPartitions(h.db, { ...console, child: () => other } as never, 3);
    await Promise.all([partitions.ensureFor([future]), other.ensureFor([future]), partitions.maintain(), other.maintain()]);
    expect((await listPartitions(h.db, TIERS.raw)).filter((n) => n === partitionFor(TIERS.raw, future).name)).toHaveLength(1);
  });
});
