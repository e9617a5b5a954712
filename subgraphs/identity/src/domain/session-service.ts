import { createHash, randomBytes } from 'node:crypto';
import { fail, inTransaction, newId, platformMetrics, type ConcurrencyGate } from '@platform/kernel';
import type { Kysely } from 'kysely';
import type { IdentityConfig } from '../config.ts';
import { clearFailures, countAttempt, countFailure, lockedUntil, refundAttempt } from '../db/login-failure-repository.ts';
import { findRefreshToken, insertRefreshToken, revokeFamily, spendRefreshToken } from '../db/refresh-token-repository.ts';
import type { IdentityDatabase, IdentityDb } from '../db/types.ts';
import { findCredentialsByEmail } from '../db/user-repository.ts';
import type { MembershipRecord, TenancyClient } from '../remote/tenancy-client.ts';
import type { KeyRing } from './key-ring.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { SCOPES_BY_ROLE, type Session } from './session.ts';

export type SessionPolicy = Pick<
  IdentityConfig,
  | 'accessTokenTtlSeconds'
  | 'refreshTokenTtlSeconds'
  | 'refreshFamilyMaxSeconds'
  | 'passwordScryptLog2N'
  | 'loginMaxFailures'
  | 'loginWindowSeconds'
  | 'loginLockSeconds'
  | 'loginAddressMaxFailures'
>;

export interface LogInCommand {
  readonly emailNormalized: string;
  readonly password: string;
  /** Act in this organisation (the caller must be a member); null: the oldest membership. */
  readonly organizationId: string | null;
  /** The client's address (from the gateway's x-forwarded-for), for the per-address throttle. */
  readonly clientAddress: string;
}

export interface RefreshCommand {
  readonly refreshToken: string;
  readonly organizationId: string | null;
}

const hashToken = (token: string): Buffer => createHash('sha256').update(token).digest();

const rateLimited = (until: Date, what: string, reason: 'account' | 'address') => {
  platformMetrics.loginThrottled.inc({ reason });
  const retryAfterSeconds = Math.max(1, Math.ceil((until.getTime() - Date.now()) / 1000));
  return fail('RATE_LIMITED', `Too many failed sign-ins ${what}; try again in ${retryAfterSeconds} s.`, { retryAfterSeconds });
};

/** Sign-in, refresh-token rotation and sign-out. */
export class SessionService {
  // Checked against when the email is unknown, so a miss costs as much time as a wrong password.
  private decoyHash: Promise<string> | undefined;

  constructor(
    private readonly db: Kysely<IdentityDatabase>,
    private readonly keys: KeyRing,
    private readonly tenancy: TenancyClient,
    private readonly hashing: ConcurrencyGate,
    private readonly policy: SessionPolicy,
  ) {}

  /**
   * The attempt is counted against the account before any hashing (so concurrent guesses cannot
   * all be evaluated); a locked address is refused first and costs the account nothing. The
   * address counts only evaluated failures, so concurrent correct sign-ins never lock it. The check
   * itself waits for a hashing slot, or is refused at once when too many wait.
   */
  async logIn({ emailNormalized, password, organizationId, clientAddress }: LogInCommand): Promise<Session> {
    const { loginWindowSeconds: windowSeconds, loginLockSeconds: lockSeconds } = this.policy;
    const account = { email: emailNormalized };
    const address = { address: clientAddress };
    const addressLocked = await lockedUntil(this.db, address);
    if (addressLocked) throw rateLimited(addressLocked, 'from this address', 'address');
    const accountLocked = await countAttempt(this.db, account, { windowSeconds, lockSeconds, maxFailures: this.policy.loginMaxFailures });
    if (accountLocked) throw rateLimited(accountLocked, 'for this account', 'account');
    const user = await findCredentialsByEmail(this.db, emailNormalized);
    const checked = await this.hashing.run(async () => {
      this.decoyHash ??= hashPassword('decoy-password-never-matches', this.policy.passwordScryptLog2N);
      return verifyPassword(password, user?.passwordHash ?? (await this.decoyHash));
    });
    if (!checked) {
      await refundAttempt(this.db, account);
      platformMetrics.loginThrottled.inc({ reason: 'busy' });
      throw fail('RATE_LIMITED', 'Too many sign-ins at once; try again in 1 s.', { retryAfterSeconds: 1 });
    }
    if (!user || !checked.value) {
      await countFailure(this.db, address, { windowSeconds, lockSeconds, maxFailures: this.policy.loginAddressMaxFailures });
      throw fail('UNAUTHENTICATED', 'Wrong email or password.');
    }
    await clearFailures(this.db, emailNormalized);
    const memberships = await this.tenancy.membershipsOfUsers([user.id]);
    return this.issue(this.db, user.id, chooseMembership(memberships, organizationId), { id: newId(), startedAt: new Date() });
  }

  /**
   * Rotates a refresh token. A token presented a second time means it leaked (or a client raced
   * itself): the whole family is revoked and the holder must sign in again. The presented token's
   * row stays locked from the check until the successor is written, so a concurrent replay sees the
   * spend and its revocation also catches the successor.
   */
  async refresh({ refreshToken, organizationId }: RefreshCommand): Promise<Session> {
    const tokenHash = hashToken(refreshToken);
    const peek = await findRefreshToken(this.db, tokenHash);
    if (!peek) throw fail('UNAUTHENTICATED', 'The refresh token is not valid; sign in again.');
    // Memberships are read again, so a changed role or a removal takes effect at the next refresh.
    const memberships = await this.tenancy.membershipsOfUsers([peek.userId]);
    const outcome = await inTransaction(this.db, async (trx) => {
      const record = await findRefreshToken(trx, tokenHash, { lock: true });
      if (!record || record.spent) {
        if (record) await revokeFamily(trx, record.familyId);
        return { reused: true as const };
      }
      if (record.expiresAt <= new Date()) return { expired: true as const };
      // The family's absolute lifetime: rotation never extends it (each token's own expiry is capped by it too).
      if (this.familyEndsAt(record.familyStartedAt) <= new Date()) {
        await revokeFamily(trx, record.familyId);
        return { ended: true as const };
      }
      await spendRefreshToken(trx, record.id);
      const membership =
        organizationId !== null
          ? chooseMembership(memberships, organizationId)
          : (memberships.find((m) => m.organizationId === record.organizationId) ?? chooseMembership(memberships, null));
      return { session: await this.issue(trx, record.userId, membership, { id: record.familyId, startedAt: record.familyStartedAt }) };
    });
    if ('reused' in outcome) throw fail('UNAUTHENTICATED', 'The refresh token was already used; the session is revoked. Sign in again.');
    if ('expired' in outcome) throw fail('UNAUTHENTICATED', 'The refresh token has expired; sign in again.');
    if ('ended' in outcome) throw fail('UNAUTHENTICATED', 'The session has reached its maximum lifetime; sign in again.');
    return outcome.session;
  }

  /** Always true, known token or not, so it reveals nothing. */
  async logOut(refreshToken: string): Promise<boolean> {
    const record = await findRefreshToken(this.db, hashToken(refreshToken));
    if (record) await revokeFamily(this.db, record.familyId);
    return true;
  }

  private familyEndsAt(startedAt: Date): Date {
    return new Date(startedAt.getTime() + this.policy.refreshFamilyMaxSeconds * 1000);
  }

  private async issue(db: IdentityDb, userId: string, membership: MembershipRecord | null, family: { id: string; startedAt: Date }): Promise<Session> {
    const role = membership?.role ?? null;
    const organizationId = membership?.organizationId ?? null;
    const access = await this.keys.sign(
      { typ: 'user', org: organizationId, role, scopes: role ? [...SCOPES_BY_ROLE[role]] : [] },
      userId,
      this.policy.accessTokenTtlSeconds,
    );
    const refreshToken = randomBytes(32).toString('base64url');
    const refreshExpiresAt = new Date(Math.min(Date.now() + this.policy.refreshTokenTtlSeconds * 1000, this.familyEndsAt(family.startedAt).getTime()));
    await insertRefreshToken(db, {
      id: newId(),
      familyId: family.id,
      familyStartedAt: family.startedAt,
      userId,
      organizationId,
      tokenHash: hashToken(refreshToken),
      expiresAt: refreshExpiresAt,
    });
    return { accessToken: access.token, expiresAt: access.expiresAt, refreshToken, refreshExpiresAt, userId, organizationId, role };
  }
}

function chooseMembership(memberships: readonly MembershipRecord[], organizationId: string | null): MembershipRecord | null {
  if (organizationId === null) return memberships[0] ?? null;
  const found = memberships.find((m) => m.organizationId === organizationId);
  if (!found) throw fail('FORBIDDEN', 'organizationId: you are not a member of that organization.', { field: 'organizationId' });
  return found;
}
