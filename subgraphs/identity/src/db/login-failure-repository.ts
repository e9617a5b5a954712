import { sql } from 'kysely';
import type { IdentityDb as Db } from './types.ts';

export interface ThrottlePolicy {
  readonly windowSeconds: number;
  readonly maxFailures: number;
  readonly lockSeconds: number;
}

/** Accounts are throttled by normalised email, client addresses by address; both tables have the same shape. */
export type ThrottleSubject = { readonly email: string } | { readonly address: string };

const target = (s: ThrottleSubject) =>
  'email' in s
    ? { table: sql.table('login_failures'), column: sql.ref('email_normalized'), key: s.email }
    : { table: sql.table('login_address_failures'), column: sql.ref('address'), key: s.address };

/**
 * Counts an attempt atomically *before* the password is checked (one upsert; concurrent attempts
 * queue on the row), so at most `maxFailures` attempts per window are ever evaluated. Returns null
 * when the attempt may go ahead, or the time the lock ends. While locked nothing changes; the attempt
 * after the `maxFailures`-th starts a lock of `lockSeconds`. A window older than `windowSeconds`, or
 * an expired lock, starts a fresh count. A successful sign-in clears (account) or refunds (address).
 */
export async function countAttempt(db: Db, subject: ThrottleSubject, { windowSeconds, maxFailures, lockSeconds }: ThrottlePolicy): Promise<Date | null> {
  const { table, column, key } = target(subject);
  const window = sql`make_interval(secs => ${windowSeconds})`;
  const lock = sql`make_interval(secs => ${lockSeconds})`;
  const locked = sql`f.locked_until > now()`;
  const fresh = sql`(f.window_started_at < now() - ${window} or f.locked_until <= now())`;
  const count = sql`(case when ${fresh} then 1 else f.failures + 1 end)`;
  const { rows } = await sql<{ locked_until: Date | null }>`
    insert into ${table} as f (${column}, window_started_at, failures, locked_until)
    values (${key}, now(), 1, case when 1 > ${maxFailures}::int then now() + ${lock} end)
    on conflict (${column}) do update set
      window_started_at = case when ${locked} then f.window_started_at when ${fresh} then now() else f.window_started_at end,
      failures = case when ${locked} then f.failures else ${count} end,
      locked_until = case when ${locked} then f.locked_until when ${count} > ${maxFailures}::int then now() + ${lock} end
    returning locked_until`.execute(db);
  return rows[0]?.locked_until ?? null;
}

/**
 * Counts one failed sign-in *after* it was evaluated: the count reaching `maxFailures` starts the
 * lock. Used for client addresses, where counting in-flight attempts first would let a burst of
 * correct sign-ins from one address (an office, a NAT) lock it out; the overshoot is bounded by
 * the hashing queue instead.
 */
export function countFailure(db: Db, subject: ThrottleSubject, policy: ThrottlePolicy): Promise<Date | null> {
  return countAttempt(db, subject, { ...policy, maxFailures: policy.maxFailures - 1 });
}

/** The end of the subject's lock, or null when it is not locked. Changes nothing. */
export async function lockedUntil(db: Db, subject: ThrottleSubject): Promise<Date | null> {
  const { table, column, key } = target(subject);
  const { rows } = await sql<{ locked_until: Date }>`select locked_until from ${table} where ${column} = ${key} and locked_until > now()`.execute(db);
  return rows[0]?.locked_until ?? null;
}

/** Takes back an attempt that was counted but not evaluated. */
export async function refundAttempt(db: Db, subject: ThrottleSubject): Promise<void> {
  const { table, column, key } = target(subject);
  await sql`update ${table} set failures = greatest(failures - 1, 0) where ${column} = ${key} and (locked_until is null or locked_until <= now())`.execute(db);
}

export async function clearFailures(db: Db, emailNormalized: string): Promise<void> {
  await db.deleteFrom('login_failures').where('email_normalized', '=', emailNormalized).execute();
}
