import { sql, type Selectable } from 'kysely';
import { minorFromDb } from '@platform/kernel';
import type { ProvisionRequest, Saga, SagaState } from '../domain/saga.ts';
import type { ProvisionSagasTable, VmsDb } from './types.ts';

type SagaRow = Selectable<ProvisionSagasTable>;

const sagaFromRow = (r: SagaRow): Saga => ({
  id: r.id,
  organizationId: r.organization_id,
  idempotencyKey: r.idempotency_key,
  requestHash: r.request_hash,
  request: r.request as ProvisionRequest,
  state: r.state as SagaState,
  attempt: r.attempt,
  priceMinor: minorFromDb(r.price_minor),
  currency: r.currency,
  holdId: r.hold_id,
  vmId: r.vm_id,
  ipAddress: r.ip_address,
  errorCode: r.error_code,
  errorMessage: r.error_message,
  updatedAt: new Date(r.updated_at),
});

export async function findSagaByKey(db: VmsDb, organizationId: string, key: string): Promise<Saga | null> {
  const row = await db
    .selectFrom('provision_sagas')
    .selectAll()
    .where('organization_id', '=', organizationId)
    .where('idempotency_key', '=', key)
    .executeTakeFirst();
  return row ? sagaFromRow(row) : null;
}

export async function findSaga(db: VmsDb, id: string): Promise<Saga | null> {
  const row = await db.selectFrom('provision_sagas').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? sagaFromRow(row) : null;
}

export interface NewSaga {
  readonly id: string;
  readonly organizationId: string;
  readonly idempotencyKey: string;
  readonly requestHash: string;
  readonly request: ProvisionRequest;
  readonly priceMinor: bigint;
  readonly currency: string;
}

/** Inserts the saga unless its (organisation, key) exists; returns whether this call created it. */
export async function insertSagaIfAbsent(db: VmsDb, saga: NewSaga): Promise<boolean> {
  const now = new Date();
  const inserted = await db
    .insertInto('provision_sagas')
    .values({
      id: saga.id,
      organization_id: saga.organizationId,
      idempotency_key: saga.idempotencyKey,
      request_hash: saga.requestHash,
      request: JSON.stringify(saga.request),
      state: 'HOLDING',
      price_minor: saga.priceMinor,
      currency: saga.currency,
      created_at: now,
      updated_at: now,
    })
    .onConflict((oc) => oc.constraint('provision_sagas_key').doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}

export interface SagaChange {
  readonly state: SagaState;
  readonly holdId?: string;
  readonly vmId?: string;
  readonly ipAddress?: string;
  readonly errorCode?: string | null;
  readonly errorMessage?: string | null;
  readonly attempt?: 'increment';
}

/** Compare-and-set on the saga's state: null when another driver moved it first. */
export async function moveSaga(db: VmsDb, id: string, from: readonly SagaState[], change: SagaChange): Promise<Saga | null> {
  const row = await db
    .updateTable('provision_sagas')
    .set({
      state: change.state,
      updated_at: new Date(),
      ...(change.holdId !== undefined ? { hold_id: change.holdId } : {}),
      ...(change.vmId !== undefined ? { vm_id: change.vmId } : {}),
      ...(change.ipAddress !== undefined ? { ip_address: change.ipAddress } : {}),
      ...(change.errorCode !== undefined ? { error_code: change.errorCode } : {}),
      ...(change.errorMessage !== undefined ? { error_message: change.errorMessage } : {}),
      ...(change.attempt ? { attempt: sql<number>`attempt + 1` } : {}),
    })
    .where('id', '=', id)
    .where('state', 'in', [...from])
    .returningAll()
    .executeTakeFirst();
  return row ? sagaFromRow(row) : null;
}

const OPEN: SagaState[] = ['HOLDING', 'BUILDING', 'BUILT', 'COMPENSATING'];
const leaseEnd = (ttlMs: number) => sql<Date>`now() + make_interval(secs => ${ttlMs / 1000})`;

/**
 * Open sagas another replica may take over: their lease ran out (the driver died or stopped
 * renewing), or they never had one and nobody has touched them for `staleMs`.
 */
export async function findClaimableSagas(db: VmsDb, staleMs: number, limit = 100): Promise<Saga[]> {
  const rows = await db
    .selectFrom('provision_sagas')
    .selectAll()
    .where('state', 'in', OPEN)
    .where((eb) =>
      eb.or([eb('lease_until', '<', sql<Date>`now()`), eb.and([eb('lease_until', 'is', null), eb('updated_at', '<=', new Date(Date.now() - staleMs))])]),
    )
    .orderBy('updated_at')
    .limit(limit)
    .execute();
  return rows.map(sagaFromRow);
}

/**
 * Takes the saga's lease for `owner` until now + `ttlMs` (database time) when it is open and its
 * lease is free, run out, or already `owner`'s. One statement: of two replicas claiming, one wins.
 */
export async function claimSagaLease(db: VmsDb, id: string, owner: string, ttlMs: number): Promise<boolean> {
  const result = await db
    .updateTable('provision_sagas')
    .set({ lease_owner: owner, lease_until: leaseEnd(ttlMs) })
    .where('id', '=', id)
    .where('state', 'in', OPEN)
    .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', sql<Date>`now()`), eb('lease_owner', '=', owner)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** The heartbeat: extends `owner`'s lease; false when another replica has taken the saga over. */
export async function renewSagaLease(db: VmsDb, id: string, owner: string, ttlMs: number): Promise<boolean> {
  const result = await db
    .updateTable('provision_sagas')
    .set({ lease_until: leaseEnd(ttlMs) })
    .where('id', '=', id)
    .where('lease_owner', '=', owner)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Gives the lease up (the saga ended, or this replica stops): another replica may take it at once. */
export async function releaseSagaLease(db: VmsDb, id: string, owner: string): Promise<void> {
  await db.updateTable('provision_sagas').set({ lease_owner: null, lease_until: null }).where('id', '=', id).where('lease_owner', '=', owner).execute();
}
