import { cachedOrgDirectory, ConcurrencyGate, remoteOrgDirectory, type OrgDirectory } from '@platform/kernel';
import type { Kysely } from 'kysely';
import type { IdentityConfig } from './config.ts';
import type { IdentityDatabase } from './db/types.ts';
import { ApiKeyService } from './domain/api-key-service.ts';
import { KeyRing } from './domain/key-ring.ts';
import { KeySealer } from './domain/sealing.ts';
import { ownServiceTokens } from './domain/service-tokens.ts';
import { SessionService } from './domain/session-service.ts';
import { UserService } from './domain/user-service.ts';
import { remoteTenancyClient } from './remote/tenancy-client.ts';

/** Built once per subgraph; requests share them. */
export interface IdentityServices {
  readonly keys: KeyRing;
  /** Bounds concurrent password checks at sign-in. */
  readonly hashing: ConcurrencyGate;
  readonly sessions: SessionService;
  readonly users: UserService;
  readonly apiKeys: ApiKeyService;
  /** Tenancy's tree, asked with identity's own service token. */
  readonly orgDirectory: OrgDirectory;
}

/** `tenancyUrl` is a function: embedded, tenancy's port is known only after it starts. */
export function createIdentityServices(db: Kysely<IdentityDatabase>, config: IdentityConfig, tenancyUrl: () => string): IdentityServices {
  const keys = new KeyRing(
    db,
    {
      publishLeadSeconds: config.keyPublishLeadSeconds,
      accessTokenTtlSeconds: config.accessTokenTtlSeconds,
      issuer: config.jwtIssuer,
      audience: config.jwtAudience,
    },
    new KeySealer(config.keyEncryptionKeys),
  );
  const hashing = new ConcurrencyGate(config.passwordHashConcurrency, config.passwordHashQueue, config.passwordHashMaxWaitMs);
  const serviceTokens = ownServiceTokens(keys);
  const tenancy = remoteTenancyClient(tenancyUrl, serviceTokens);
  return {
    keys,
    hashing,
    sessions: new SessionService(db, keys, tenancy, hashing, config),
    users: new UserService(db, tenancy, config.passwordScryptLog2N),
    apiKeys: new ApiKeyService(db, keys, tenancy, config),
    orgDirectory: cachedOrgDirectory(remoteOrgDirectory(tenancyUrl, serviceTokens)),
  };
}
