import type { ApiKeyScope, Role } from '@platform/kernel';

/** Requests per minute (the bucket's refill) and burst (its size), enforced by the gateway per key. */
export interface ApiKeyRateLimit {
  readonly requestsPerMinute: number;
  readonly burst: number;
}

/** An API key as its owner and admins see it: never the secret, which is shown once at creation. */
export interface ApiKey {
  readonly id: string;
  readonly organizationId: string;
  readonly ownerUserId: string;
  /** The organisation whose membership let the owner create the key (the key's own, or one above it). */
  readonly ownerOrganizationId: string;
  readonly name: string;
  /** `cdp_live_` and 12 hex digits: enough to recognise a key in logs, useless without the secret. */
  readonly prefix: string;
  readonly role: Role;
  readonly scopes: readonly ApiKeyScope[];
  readonly rateLimit: ApiKeyRateLimit | null;
  readonly createdAt: Date;
  readonly expiresAt: Date | null;
  readonly lastUsedAt: Date | null;
  readonly revokedAt: Date | null;
  readonly revokedReason: string | null;
}

export interface CreatedApiKey {
  readonly apiKey: ApiKey;
  /** The whole key, shown once. */
  readonly secret: string;
}
