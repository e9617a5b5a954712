import { isApiKeyScope, type Role } from '@platform/kernel';
import { sql, type Selectable, type Transaction } from 'kysely';
import type { ApiKey } from '../domain/api-key.ts';
import type { ApiKeysTable, IdentityDatabase, IdentityDb as Db } from './types.ts';

type ApiKeyRow = Selectable<ApiKeysTable>;

const toApiKey = (row: ApiKeyRow): ApiKey => ({
  id: row.id,
  organizationId: row.organization_id,
  ownerUserId: row.owner_user_id,
  ownerOrganizationId: row.owner_organization_id,
  name: row.name,
  prefix: row.prefix,
  role: row.role as Role,
  scopes: row.scopes.filter(isApiKeyScope),
  rateLimit: row.requests_per_minute !== null && row.burst !== null ? { requestsPerMinute: row.requests_per_minute, burst: row.burst } : null,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  lastUsedAt: row.last_used_at,
  revokedAt: row.revoked_at,
  revokedReason: row.revoked_reason,
});

export interface NewApiKeyRow {
  readonly id: string;
  readonly organizationId: string;
  readonly ownerUserId: string;
  readonly ownerOrganizationId: string;
  readonly name: string;
  readonly prefix: string;
  readonly secretHash: Buffer;
  readonly role: Role;
  readonly scopes: readonly string[];
  readonly rateLimit: { requestsPerMinute: number; burst: number } | null;
  readonly expiresAt: Date | null;
}

export async function insertApiKey(trx: Transaction<IdentityDatabase>, key: NewApiKeyRow): Promise<ApiKey> {
  const row = await trx
    .insertInto('api_keys')
    .values({
      id: key.id,
      organization_id: key.organizationId,
      owner_user_id: key.ownerUserId,
      owner_organization_id: key.ownerOrganizationId,
      name: key.name,
      prefix: key.prefix,
      secret_hash: key.secretHash,
      role: key.role,
      scopes: [...key.scopes],
      requests_per_minute: key.rateLimit?.requestsPerMinute ?? null,
      burst: key.rateLimit?.burst ?? null,
      expires_at: key.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toApiKey(row);
}

/** Live (unrevoked, unexpired) keys of one organisation; the creating transaction holds lockOrganizationKeys first. */
export async function countLiveKeys(db: Db, organizationId: string): Promise<number> {
  const row = await db
    .selectFrom('api_keys')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('organization_id', '=', organizationId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', sql<Date>`now()`)]))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Serialises key creation per organisation (the live-key cap), for the rest of the transaction. */
export async function lockOrganizationKeys(trx: Transaction<IdentityDatabase>, organizationId: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtextextended(${'api_keys:' + organizationId}, 0))`.execute(trx);
}

/** The key and its secret's hash, by the prefix the presented key carries. */
export async function findKeyByPrefix(db: Db, prefix: string): Promise<{ key: ApiKey; secretHash: Buffer } | undefined> {
  const row = await db.selectFrom('api_keys').selectAll().where('prefix', '=', prefix).executeTakeFirst();
  return row ? { key: toApiKey(row), secretHash: row.secret_hash } : undefined;
}

export async function keysByIds(db: Db, ids: readonly string[]): Promise<ApiKey[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
  return rows.map(toApiKey);
}

export interface KeyPageQuery {
  readonly organizationId: string;
  /** Only this owner's keys (a caller who is not an admin there); null: all of the organisation's. */
  readonly ownerUserId: string | null;
  /** Only this key (an API key looking at itself). */
  readonly keyId: string | null;
  readonly includeRevoked: boolean;
  readonly fetch: number;
  readonly after: string | null;
}

/** Newest first: ids are UUID v7, so id order is creation order. */
export async function keyPage(db: Db, q: KeyPageQuery): Promise<ApiKey[]> {
  const rows = await db
    .selectFrom('api_keys')
    .selectAll()
    .where('organization_id', '=', q.organizationId)
    .$if(q.ownerUserId !== null, (b) => b.where('owner_user_id', '=', q.ownerUserId as string))
    .$if(q.keyId !== null, (b) => b.where('id', '=', q.keyId as string))
    .$if(!q.includeRevoked, (b) => b.where('revoked_at', 'is', null))
    .$if(q.after !== null, (b) => b.where('id', '<', q.after as string))
    .orderBy('id', 'desc')
    .limit(q.fetch)
    .execute();
  return rows.map(toApiKey);
}

/** Sets revoked_at once (a second revocation keeps the first time and reason); answers the key as it is now. */
export async function revokeKey(db: Db, id: string, reason: string): Promise<ApiKey | undefined> {
  await db
    .updateTable('api_keys')
    .set({ revoked_at: sql<Date>`now()`, revoked_reason: reason })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .execute();
  const row = await db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toApiKey(row) : undefined;
}

/** Records use at most once per `everySeconds`, so a busy key does not write on every exchange. */
export async function touchLastUsed(db: Db, id: string, everySeconds: number): Promise<void> {
  await db
    .updateTable('api_keys')
    .set({ last_used_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('last_used_at', 'is', null), eb('last_used_at', '<', sql<Date>`now() - make_interval(secs => ${everySeconds})`)]))
    .execute();
}

export interface LiveKeyOwner {
  readonly id: string;
  readonly ownerUserId: string;
  readonly ownerOrganizationId: string;
  readonly role: Role;
}

/** Unrevoked keys in id order, a page at a time, for the owner sweep. */
export async function liveKeyOwners(db: Db, afterId: string | null, limit: number): Promise<LiveKeyOwner[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select(['id', 'owner_user_id', 'owner_organization_id', 'role'])
    .where('revoked_at', 'is', null)
    .$if(afterId !== null, (b) => b.where('id', '>', afterId as string))
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ id: r.id, ownerUserId: r.owner_user_id, ownerOrganizationId: r.owner_organization_id, role: r.role as Role }));
}
