import { canGrantRole, fail, inTransaction, newId, roleSatisfies, type MemberCaller } from '@platform/kernel';
import type { Kysely } from 'kysely';
import {
  countLiveKeys,
  findKeyByPrefix,
  insertApiKey,
  keyPage,
  keysByIds,
  liveKeyOwners,
  lockOrganizationKeys,
  revokeKey,
  touchLastUsed,
  type KeyPageQuery,
} from '../db/api-key-repository.ts';
import type { IdentityDatabase, IdentityDb } from '../db/types.ts';
import type { MembershipRecord, TenancyClient } from '../remote/tenancy-client.ts';
import type { ApiKey, CreatedApiKey } from './api-key.ts';
import { roleAllowsScope } from './api-key-grants.ts';
import { mintApiKeySecret, prefixOf, secretMatches } from './api-key-secret.ts';
import type { KeyRing } from './key-ring.ts';
import type { NewApiKey } from './new-api-key.ts';

export interface ApiKeyPolicy {
  /** The exchanged token's lifetime. */
  readonly apiKeyTokenTtlSeconds: number;
  /** Live keys one organisation may hold. */
  readonly apiKeyMaxPerOrganization: number;
}

/** lastUsedAt is written at most this often per key. */
const LAST_USED_EVERY_SECONDS = 60;

/** An exchange refused: the route answers 401 with this message. */
export class ApiKeyRefused extends Error {}

export interface ExchangedToken {
  readonly token: string;
  readonly expiresAt: Date;
  readonly apiKey: ApiKey;
}

/** Creating, listing and revoking API keys, and turning a key into a short-lived token. */
export class ApiKeyService {
  constructor(
    private readonly db: Kysely<IdentityDatabase>,
    private readonly keys: KeyRing,
    private readonly tenancy: TenancyClient,
    private readonly policy: ApiKeyPolicy,
  ) {}

  /**
   * `caller` is a signed-in user who may see `command.organizationId` (checked by the resolver). The
   * key's role is one the caller could grant, and its scopes are ones that role may hold.
   */
  async create(caller: MemberCaller, command: NewApiKey): Promise<CreatedApiKey> {
    if (!canGrantRole(caller.role, command.role))
      throw fail('FORBIDDEN', `role: a ${caller.role} cannot give a key the ${command.role} role.`, { field: 'role' });
    const beyond = command.scopes.filter((s) => !roleAllowsScope(command.role, s));
    if (beyond.length > 0) {
      throw fail('FORBIDDEN', `scopes: a key with the ${command.role} role cannot hold ${beyond.join(', ')}.`, { field: 'scopes' });
    }
    const minted = mintApiKeySecret();
    const apiKey = await inTransaction(this.db, async (trx) => {
      await lockOrganizationKeys(trx, command.organizationId);
      if ((await countLiveKeys(trx, command.organizationId)) >= this.policy.apiKeyMaxPerOrganization) {
        return null;
      }
      return insertApiKey(trx, {
        id: newId(),
        organizationId: command.organizationId,
        ownerUserId: caller.sub,
        ownerOrganizationId: caller.org,
        name: command.name,
        prefix: minted.prefix,
        secretHash: minted.hash,
        role: command.role,
        scopes: command.scopes,
        rateLimit: command.rateLimit,
        expiresAt: command.expiresAt,
      });
    });
    if (!apiKey) {
      throw fail('CONFLICT', `organizationId: the organisation already has ${this.policy.apiKeyMaxPerOrganization} live API keys; revoke one first.`, {
        field: 'organizationId',
      });
    }
    return { apiKey, secret: minted.secret };
  }

  byIds(ids: readonly string[]): Promise<ApiKey[]> {
    return keysByIds(this.db, ids);
  }

  page(query: KeyPageQuery): Promise<ApiKey[]> {
    return keyPage(this.db, query);
  }

  /** Visibility and rights are the resolver's; revoking twice keeps the first revocation. */
  async revoke(id: string, reason: string): Promise<ApiKey> {
    const key = await revokeKey(this.db, id, reason);
    if (!key) throw new Error(`api key ${id} vanished while being revoked`);
    return key;
  }

  /**
   * The key's token (typ api_key, its organisation, role and scopes; its rate limit as `rl`). The
   * owner's membership is read from tenancy every time: an owner who left the organisation, or whose
   * role no longer covers the key's, has the key revoked here and now.
   */
  async exchange(presented: string): Promise<ExchangedToken> {
    const prefix = prefixOf(presented);
    const found = prefix ? await findKeyByPrefix(this.db, prefix) : undefined;
    if (!found || !secretMatches(presented, found.secretHash)) throw new ApiKeyRefused('The API key is not valid.');
    const { key } = found;
    if (key.revokedAt) throw new ApiKeyRefused('The API key has been revoked.');
    // Tokens live whole seconds and never outlive their key: in its last second, no token fits, so it counts as expired.
    if (key.expiresAt && key.expiresAt.getTime() - Date.now() < 1000) throw new ApiKeyRefused('The API key has expired.');
    const lost = ownerLoss(key, await this.tenancy.membershipsOfUsers([key.ownerUserId]));
    if (lost) {
      await revokeKey(this.db, key.id, lost);
      throw new ApiKeyRefused('The API key has been revoked: its owner no longer holds the role it was given.');
    }
    await touchLastUsed(this.db, key.id, LAST_USED_EVERY_SECONDS);
    const { token, expiresAt } = await this.keys.sign(
      {
        typ: 'api_key',
        org: key.organizationId,
        role: key.role,
        scopes: [...key.scopes],
        owner: key.ownerUserId,
        ...(key.rateLimit ? { rl: [key.rateLimit.requestsPerMinute, key.rateLimit.burst] } : {}),
      },
      key.id,
      tokenTtlSeconds(this.policy.apiKeyTokenTtlSeconds, key.expiresAt),
    );
    return { token, expiresAt, apiKey: key };
  }

  /**
   * Revokes every live key whose owner left the organisation or lost the role, without waiting for
   * the key's next use (so listings show it). One tenancy call per page of keys. Returns how many.
   */
  async sweepOwners(db: IdentityDb, pageSize = 500): Promise<number> {
    let revoked = 0;
    let after: string | null = null;
    for (;;) {
      const keys = await liveKeyOwners(db, after, pageSize);
      if (keys.length === 0) return revoked;
      const memberships = await this.tenancy.membershipsOfUsers([...new Set(keys.map((k) => k.ownerUserId))]);
      for (const key of keys) {
        const lost = ownerLoss(
          key,
          memberships.filter((m) => m.userId === key.ownerUserId),
        );
        if (lost && (await revokeKey(db, key.id, lost))) revoked += 1;
      }
      after = keys.at(-1)!.id;
    }
  }
}

/** Why a key's owner may no longer hold it, or null while the membership that allowed it still does. */
function ownerLoss(key: Pick<ApiKey, 'ownerOrganizationId' | 'role'>, memberships: readonly MembershipRecord[]): string | null {
  const held = memberships.find((m) => m.organizationId === key.ownerOrganizationId);
  if (!held) return 'owner left the organisation';
  return roleSatisfies(held.role, key.role) ? null : 'owner lost the role';
}

/** The policy's lifetime, cut short so a token never outlives its key. */
function tokenTtlSeconds(policySeconds: number, keyExpiresAt: Date | null): number {
  if (!keyExpiresAt) return policySeconds;
  return Math.max(1, Math.min(policySeconds, Math.floor((keyExpiresAt.getTime() - Date.now()) / 1000)));
}
