import { finished } from 'node:stream/promises';
import type { Kysely, RawBuilder } from 'kysely';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { COPY_RAW_BINARY, copyBinary } from './telemetry-copy.ts';
import { ROLLUP_LOCK_SQL } from './telemetry-rollups.ts';
import { sampleInsert, samplesStored, type SampleInput } from './telemetry-repository.ts';
import { seenUpsert } from './telemetry-seen.ts';
import type { VmsDatabase } from './types.ts';

const ROWS_PER_STATEMENT = 5000;
const UNIQUE_VIOLATION = '23505';

/** VMs whose last-seen time a batch moves on (their newest instant in it), and how far it may lag (see seenUpsert). */
export interface SeenUpdate {
  readonly vms: readonly { vmId: string; at: Date }[];
  readonly granularitySeconds: number;
}

/**
 * Stores a batch of raw samples in one transaction on a client of its own (COPY needs the raw client)
 * and returns those stored (the same objects); a sample already stored is skipped, never stored twice.
 * The same transaction moves the VMs' last-seen times on (`seen`): the no-data scan never sees samples
 * without them, nor the other way round.
 * - Samples at or after the rollup watermark (all of them, normally) are COPied into telemetry_raw: the
 *   rollup pass adds them to the rollups later, and queries add them from raw until then. Should one
 *   already be stored (a retried batch), the COPY fails as a whole and the batch is inserted instead with
 *   ON CONFLICT DO NOTHING, which tells which were new.
 * - Samples older than the watermark (late arrivals) are inserted and added to both rollups at once,
 *   since the pass has gone past them.
 * The watermark is read under the shared rollup lock, held until commit (see ROLLUP_LOCK_SQL).
 */
export async function storeRawSamples<S extends SampleInput>(
  pool: pg.Pool,
  db: Kysely<VmsDatabase>,
  samples: readonly S[],
  seen: SeenUpdate = { vms: [], granularitySeconds: 0 },
): Promise<Set<S>> {
  const stored = new Set<S>();
  if (samples.length === 0) return stored;
  const run = async <R>(client: pg.PoolClient, query: RawBuilder<R>): Promise<R[]> => {
    const compiled = query.compile(db);
    return (await client.query<R & pg.QueryResultRow>(compiled.sql, [...compiled.parameters])).rows;
  };
  const insert = async (client: pg.PoolClient, batch: readonly S[], rollUp: boolean) => {
    for (let i = 0; i < batch.length; i += ROWS_PER_STATEMENT) {
      const chunk = sampleInsert(batch.slice(i, i + ROWS_PER_STATEMENT), rollUp);
      for (const s of samplesStored(chunk, await run(client, chunk.statement))) stored.add(s);
    }
  };
  const client = await pool.connect();
  let broken = false;
  try {
    // Round trips are what a batch waits on under load: begin, the watermark under its lock and the savepoint
    // (for a COPY that meets a stored sample) go as one simple-protocol message; commit releases the savepoint.
    const opened = (await client.query(
      `begin; select pg_advisory_xact_lock_shared(${ROLLUP_LOCK_SQL}), rolled_until from telemetry_rollup_state; savepoint copy_raw`,
    )) as unknown as pg.QueryResult<{ rolled_until: Date }>[];
    const watermark = opened[1]!.rows[0]!.rolled_until.getTime();
    const fresh: S[] = [];
    const late: S[] = [];
    for (const s of samples) (s.at.getTime() >= watermark ? fresh : late).push(s);
    if (fresh.length > 0) {
      try {
        const copy = client.query(copyFrom(COPY_RAW_BINARY));
        copy.end(copyBinary(fresh));
        await finished(copy);
        for (const s of fresh) stored.add(s);
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
        await client.query('rollback to savepoint copy_raw');
        await insert(client, fresh, false);
      }
    }
    await insert(client, late, true);
    if (seen.vms.length > 0) await run(client, seenUpsert(seen.vms, seen.granularitySeconds, false));
    await client.query('commit');
    return stored;
  } catch (error) {
    await client.query('rollback').catch(() => {
      broken = true;
    });
    throw error;
  } finally {
    client.release(broken);
  }
}
