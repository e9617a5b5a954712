import { sql } from 'kysely';
import type { IdentityDb as Db } from './types.ts';

export async function lockedUntil(db: Db, emailNormalized: string): Promise<Date | null> {
  const row = await db.selectFrom('login_failures').select('locked_until').where('email_normalized', '=', emailNormalized).executeTakeFirst();
  return row?.locked_until ?? null;
}

/**
 * Counts a failure atomically (one upsert, safe under concurrent guesses): a new window starts when
 * the last one is older than `windowSeconds`; reaching `maxFailures` locks for `lockSeconds`.
 */
export async function recordFailure(
  db: Db,
  emailNormalized: string,
  { windowSeconds, maxFailures, lockSeconds }: { windowSeconds: number; maxFailures: number; lockSeconds: number },
): Promise<void> {
  const window = sql`make_interval(secs => ${windowSeconds})`;
  const lock = sql`make_interval(secs => ${lockSeconds})`;
  await sql`
    insert into login_failures as f (email_normalized, window_started_at, failures, locked_until)
    values (${emailNormalized}, now(), 1, case when 1 >= ${maxFailures}::int then now() + ${lock} end)
    on conflict (email_normalized) do update set
      window_started_at = case when f.window_started_at < now() - ${window} then now() else f.window_started_at end,
      failures = case when f.window_started_at < now() - ${window} then 1 else f.failures + 1 end,
      locked_until = case
        when (case when f.window_started_at < now() - ${window} then 1 else f.failures + 1 end) >= ${maxFailures}::int
        then now() + ${lock} else f.locked_until end`.execute(db);
}

export async function clearFailures(db: Db, emailNormalized: string): Promise<void> {
  await db.deleteFrom('login_failures').where('email_normalized', '=', emailNormalized).execute();
}
