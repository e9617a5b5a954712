import { createHash, randomBytes } from 'node:crypto';
import { fail, newId, parseId } from '@platform/kernel';
import type { Kysely, Transaction } from 'kysely';
import { clearFailures, lockedUntil, recordFailure } from '../db/login-failure-repository.ts';
import { findRefreshToken, insertRefreshToken, revokeFamily, spendRefreshToken } from '../db/refresh-token-repository.ts';
import type { IdentityDatabase } from '../db/types.ts';
import { findCredentialsByEmail } from '../db/user-repository.ts';
import type { IdentityConfig } from '../config.ts';
import type { MembershipRecord, TenancyClient } from '../tenancy-client.ts';
import type { KeyRing } from './key-ring.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { SCOPES_BY_ROLE, type Session } from './session.ts';
import { requireEmail } from './validate.ts';

export interface SessionDeps {
  readonly db: Kysely<IdentityDatabase>;
  readonly keys: KeyRing;
  readonly tenancy: TenancyClient;
  readonly config: IdentityConfig;
}

const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();

// Checked against when the email is unknown, so a miss costs as much time as a wrong password.
let decoyHash: Promise<string> | undefined;

export async function logIn(deps: SessionDeps, args: { email: string; password: string; organizationId?: string | null }): Promise<Session> {
  const { normalized } = requireEmail(args.email, 'email');
  const organizationId = args.organizationId == null ? null : parseId(args.organizationId, 'organizationId');
  const { db, config } = deps;
  const locked = await lockedUntil(db, normalized);
  if (locked && locked > new Date()) {
    const retryAfterSeconds = Math.ceil((locked.getTime() - Date.now()) / 1000);
    throw fail('RATE_LIMITED', `Too many failed sign-ins for this account; try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
  }
  const user = await findCredentialsByEmail(db, normalized);
  decoyHash ??= hashPassword('decoy-password-never-matches', config.passwordScryptLog2N);
  const valid = await verifyPassword(args.password, user?.passwordHash ?? (await decoyHash));
  if (!user || !valid) {
    await recordFailure(db, normalized, {
      windowSeconds: config.loginWindowSeconds,
      maxFailures: config.loginMaxFailures,
      lockSeconds: config.loginLockSeconds,
    });
    throw fail('UNAUTHENTICATED', 'Wrong email or password.');
  }
  await clearFailures(db, normalized);
  const memberships = await deps.tenancy.membershipsOfUsers([user.id]);
  const membership = chooseMembership(memberships, organizationId);
  return issueSession(deps, user.id, membership, newId());
}

/**
 * Rotates a refresh token. A token presented a second time means it leaked (or a client raced
 * itself): the whole family is revoked and the holder must sign in again. The presented token's
 * row stays locked from the check until the successor is written, so a concurrent replay sees the
 * spend and its revocation also catches the successor.
 */
export async function refreshSession(deps: SessionDeps, args: { refreshToken: string; organizationId?: string | null }): Promise<Session> {
  const organizationId = args.organizationId == null ? null : parseId(args.organizationId, 'organizationId');
  const tokenHash = hashToken(args.refreshToken);
  const peek = await findRefreshToken(deps.db, tokenHash);
  if (!peek) throw fail('UNAUTHENTICATED', 'The refresh token is not valid; sign in again.');
  // Memberships are read again, so a changed role or a removal takes effect at the next refresh.
  const memberships = await deps.tenancy.membershipsOfUsers([peek.userId]);
  const outcome = await deps.db.transaction().execute(async (trx) => {
    const record = await findRefreshToken(trx, tokenHash, { lock: true });
    if (!record || record.spent) {
      if (record) await revokeFamily(trx, record.familyId);
      return { reused: true as const };
    }
    if (record.expiresAt <= new Date()) return { expired: true as const };
    await spendRefreshToken(trx, record.id);
    const membership =
      organizationId !== null
        ? chooseMembership(memberships, organizationId)
        : (memberships.find((m) => m.organizationId === record.organizationId) ?? chooseMembership(memberships, null));
    return { session: await issueSession({ ...deps, db: trx }, record.userId, membership, record.familyId) };
  });
  if ('reused' in outcome) throw fail('UNAUTHENTICATED', 'The refresh token was already used; the session is revoked. Sign in again.');
  if ('expired' in outcome) throw fail('UNAUTHENTICATED', 'The refresh token has expired; sign in again.');
  return outcome.session;
}

export async function logOut(deps: SessionDeps, refreshToken: string): Promise<boolean> {
  const record = await findRefreshToken(deps.db, hashToken(refreshToken));
  if (record) await revokeFamily(deps.db, record.familyId);
  return true;
}

function chooseMembership(memberships: readonly MembershipRecord[], organizationId: string | null): MembershipRecord | null {
  if (organizationId === null) return memberships[0] ?? null;
  const found = memberships.find((m) => m.organizationId === organizationId);
  if (!found) throw fail('FORBIDDEN', 'organizationId: you are not a member of that organization.', { field: 'organizationId' });
  return found;
}

async function issueSession(deps: Omit<SessionDeps, 'db'> & { db: Kysely<IdentityDatabase> | Transaction<IdentityDatabase> }, userId: string, membership: MembershipRecord | null, familyId: string): Promise<Session> {
  const { config } = deps;
  const role = membership?.role ?? null;
  const access = await deps.keys.sign(
    { typ: 'user', org: membership?.organizationId ?? null, role, scopes: role ? [...SCOPES_BY_ROLE[role]] : [] },
    userId,
    config.accessTokenTtlSeconds,
  );
  const refreshToken = randomBytes(32).toString('base64url');
  const refreshExpiresAt = new Date(Date.now() + config.refreshTokenTtlSeconds * 1000);
  await insertRefreshToken(deps.db, {
    id: newId(),
    familyId,
    userId,
    organizationId: membership?.organizationId ?? null,
    tokenHash: hashToken(refreshToken),
    expiresAt: refreshExpiresAt,
  });
  return {
    accessToken: access.token,
    expiresAt: access.expiresAt,
    refreshToken,
    refreshExpiresAt,
    userId,
    organizationId: membership?.organizationId ?? null,
    role,
  };
}
