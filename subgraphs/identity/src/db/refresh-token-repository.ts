import { sql } from 'kysely';
import type { IdentityDb as Db } from './types.ts';

export interface RefreshTokenRecord {
  readonly id: string;
  readonly familyId: string;
  readonly familyStartedAt: Date;
  readonly userId: string;
  readonly organizationId: string | null;
  readonly expiresAt: Date;
  readonly spent: boolean;
}

export async function insertRefreshToken(
  db: Db,
  t: { id: string; familyId: string; familyStartedAt: Date; userId: string; organizationId: string | null; tokenHash: Buffer; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('refresh_tokens')
    .values({
      id: t.id,
      family_id: t.familyId,
      family_started_at: t.familyStartedAt,
      user_id: t.userId,
      organization_id: t.organizationId,
      token_hash: t.tokenHash,
      expires_at: t.expiresAt,
    })
    .execute();
}

/** With `lock`, holds the row until the transaction ends, so concurrent refreshes of one token queue up. */
export async function findRefreshToken(db: Db, tokenHash: Buffer, { lock = false } = {}): Promise<RefreshTokenRecord | undefined> {
  const row = await db
    .selectFrom('refresh_tokens')
    .selectAll()
    .where('token_hash', '=', tokenHash)
    .$if(lock, (q) => q.forUpdate())
    .executeTakeFirst();
  return (
    row && {
      id: row.id,
      familyId: row.family_id,
      familyStartedAt: row.family_started_at,
      userId: row.user_id,
      organizationId: row.organization_id,
      expiresAt: row.expires_at,
      spent: row.used_at !== null || row.revoked_at !== null,
    }
  );
}

export async function spendRefreshToken(db: Db, id: string): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ used_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute();
}

export async function revokeFamily(db: Db, familyId: string): Promise<void> {
  await db
    .updateTable('refresh_tokens')
    .set({ revoked_at: sql<Date>`now()` })
    .where('family_id', '=', familyId)
    .where('revoked_at', 'is', null)
    .execute();
}
