import {
  cachedOrgDirectory,
  cachedTokens,
  createDatabase,
  createTokenVerifier,
  migrateToLatest,
  remoteOrgDirectory,
  startSubgraphServer,
  type RunningServer,
  type SubgraphDeps,
} from '@platform/kernel';
import type { IdentityConfig } from './config.ts';
import { migrations } from './db/migrations/index.ts';
import type { IdentityDatabase } from './db/types.ts';
import { KeyRing } from './domain/key-ring.ts';
import { jwksRoute, mintServiceToken, serviceTokenRoute } from './http/service-token-route.ts';
import { createLoaders } from './loaders.ts';
import { buildIdentitySchema } from './schema.ts';
import { seedIdentity, type IdentitySeedUser } from './seed.ts';
import { remoteTenancyClient } from './tenancy-client.ts';

export { readIdentityConfig, type IdentityConfig } from './config.ts';
export type { IdentitySeedUser } from './seed.ts';
export { SERVICE_SCOPES } from './http/service-token-route.ts';

/** Identity verifies with its own keys and mints its own service tokens, so it takes neither. */
export interface IdentityDeps extends Omit<SubgraphDeps, 'verifyToken' | 'serviceTokens' | 'orgDirectory'> {
  /** Tenancy's GraphQL URL when known only after start-up (port 0); defaults to config.tenancyUrl. */
  readonly tenancyUrl?: () => string;
}

export function createIdentitySubgraph(config: IdentityConfig, deps: IdentityDeps) {
  const database = createDatabase<IdentityDatabase>({ url: config.databaseUrl, logger: deps.logger, onQuery: deps.onQuery });
  const db = database.db;
  const keys = new KeyRing(db, {
    publishLeadSeconds: config.keyPublishLeadSeconds,
    accessTokenTtlSeconds: config.accessTokenTtlSeconds,
    issuer: config.jwtIssuer,
    audience: config.jwtAudience,
  });
  const serviceTokens = cachedTokens(async () => {
    const { token, expiresAt } = await mintServiceToken(keys, 'identity', ['tenancy:read', 'tenancy:write']);
    return { token, expiresAt: expiresAt.getTime() };
  });
  const tenancyUrl = deps.tenancyUrl ?? (() => config.tenancyUrl);
  const tenancy = remoteTenancyClient(tenancyUrl, serviceTokens);
  const orgDirectory = cachedOrgDirectory(remoteOrgDirectory(tenancyUrl, serviceTokens));
  const verifyToken = createTokenVerifier({ keys: keys.keyResolver, issuer: config.jwtIssuer, audience: config.jwtAudience });
  const sessionDeps = { db, keys, tenancy, config };
  let server: RunningServer | undefined;
  return {
    db,
    keys,
    /** Loads fixed users (idempotent: existing ones are left alone), hashed at the configured cost. Returns how many were added. */
    seed: (users: readonly IdentitySeedUser[]) => seedIdentity(db, users, config.passwordScryptLog2N),
    async start(): Promise<RunningServer> {
      await migrateToLatest(db, migrations);
      await keys.ensureKey();
      server = await startSubgraphServer({
        name: 'identity',
        schema: buildIdentitySchema(),
        port: config.port,
        host: config.host,
        logger: deps.logger,
        verifyToken,
        orgDirectory,
        extendContext: (base) => ({ ...base, identity: sessionDeps, loaders: createLoaders(db, tenancy, base.access) }),
        ready: () => database.ping(),
        routes: [jwksRoute(keys), serviceTokenRoute(keys, config.serviceSecret)],
      });
      return server;
    },
    async stop() {
      await server?.stop();
      await database.close();
    },
  };
}

export type IdentitySubgraph = ReturnType<typeof createIdentitySubgraph>;
