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

/** Sagas not finished and not touched for `staleMs`: a process died driving them, or a step failed transiently. */
export async function findStaleOpenSagas(db: VmsDb, staleMs: number, limit = 100): Promise<Saga[]> {
  const rows = await db
    .selectFrom('provision_sagas')
    .selectAll()
    .where('state', 'in', ['HOLDING', 'BUILDING', 'BUILT', 'COMPENSATING'])
    .where('updated_at', '<=', new Date(Date.now() - staleMs))
    .orderBy('updated_at')
    .limit(limit)
    .execute();
  return rows.map(sagaFromRow);
}

/** Marks the saga as being worked on now, so other replicas' recovery passes leave it alone a while. */
export async function touchSaga(db: VmsDb, id: string, expectedUpdatedAt: Date): Promise<boolean> {
  const result = await db
    .updateTable('provision_sagas')
    .set({ updated_at: new Date() })
    .where('id', '=', id)
    .where('updated_at', '=', expectedUpdatedAt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
