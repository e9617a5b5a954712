import { advisoryLocks, createTokenVerifier, defineSubgraph, PeriodicTask, type SubgraphDeps } from '@platform/kernel';
import type { IdentityConfig } from './config.ts';
import { clientAddressOf, type IdentityContext } from './context.ts';
import { migrations } from './db/migrations/index.ts';
import type { IdentityDatabase } from './db/types.ts';
import type { IdentitySeedUser } from './domain/user-service.ts';
import { apiKeyTokenRoute } from './http/api-key-token-route.ts';
import { jwksRoute } from './http/jwks-route.ts';
import { serviceTokenRoute } from './http/service-token-route.ts';
import { createLoaders } from './loaders.ts';
import { buildIdentitySchema } from './schema.ts';
import { createIdentityServices, type IdentityServices } from './services.ts';

export { readIdentityConfig, type IdentityConfig } from './config.ts';
export type { IdentitySeedUser } from './domain/user-service.ts';
export { SERVICE_SCOPES } from './domain/service-tokens.ts';
export type { IdentityServices } from './services.ts';

/** Identity verifies with its own keys and mints its own service tokens, so it takes neither. */
export interface IdentityDeps extends Omit<SubgraphDeps, 'verifyToken' | 'serviceTokens' | 'orgDirectory'> {
  /** Tenancy's GraphQL URL when known only after start-up (port 0); defaults to config.tenancyUrl. */
  readonly tenancyUrl?: () => string;
}

export function createIdentitySubgraph(config: IdentityConfig, deps: IdentityDeps) {
  const subgraph = defineSubgraph<IdentityDatabase, IdentityServices, IdentityContext, IdentityDeps>({
    name: 'identity',
    place: config,
    deps,
    migrations,
    schema: buildIdentitySchema(),
    services: ({ db }) => createIdentityServices(db, config, deps.tenancyUrl ?? (() => config.tenancyUrl)),
    context: (base, services, req) => ({
      ...base,
      services,
      loaders: createLoaders(services, base.access),
      clientAddress: clientAddressOf(req, config.trustedProxies),
    }),
    // Tokens are checked against identity's own key store, not its JWKS over HTTP.
    auth: (_database, { keys, orgDirectory }) => ({
      verifyToken: createTokenVerifier({ keys: keys.keyResolver, issuer: config.jwtIssuer, audience: config.jwtAudience }),
      orgDirectory,
    }),
    routes: ({ keys, apiKeys }) => [jwksRoute(keys), serviceTokenRoute(keys, config.serviceCredentials), apiKeyTokenRoute(apiKeys)],
    beforeStart: ({ keys }) => keys.ensureKey(),
    tasks: (database, { apiKeys }, { logger }) => [
      new PeriodicTask({
        name: 'api key owner sweep',
        intervalMs: config.apiKeyOwnerSweepMs,
        logger,
        singleton: advisoryLocks(database.background), // one replica at a time
        run: () => apiKeys.sweepOwners(database.background),
      }),
    ],
  });
  return {
    ...subgraph,
    keys: subgraph.services.keys,
    /** Loads fixed users (idempotent: existing ones are left alone), hashed at the configured cost. Returns how many were added. */
    seed: (users: readonly IdentitySeedUser[]) => subgraph.services.users.seed(users),
  };
}

export type IdentitySubgraph = ReturnType<typeof createIdentitySubgraph>;
