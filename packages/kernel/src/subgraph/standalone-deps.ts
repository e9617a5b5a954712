import { cachedOrgDirectory, remoteOrgDirectory } from '../auth/org-directory.ts';
import { remoteServiceTokens } from '../auth/service-token.ts';
import { createTokenVerifier } from '../auth/verify-token.ts';
import { ConfigError, EnvReader, type Env, type ServiceConfig } from '../config.ts';
import { eventBusFromEnv } from '../events/bus-from-env.ts';
import { liveChannelFromEnv } from '../live/live-channel.ts';
import { createLogger } from '../logger.ts';
import type { SubgraphDeps } from './subgraph-deps.ts';

/**
 * Where a standalone subgraph finds the others: read once from IDENTITY_URL, TENANCY_URL, and
 * SERVICE_SECRET (this service's own; identity holds its SHA-256 in SERVICE_CREDENTIALS).
 */
export interface RemoteServicesConfig {
  readonly identityUrl: string;
  readonly tenancyGraphqlUrl: string;
  readonly serviceSecret: string;
}

export function readRemoteServicesConfig(env: Env = process.env): RemoteServicesConfig {
  const r = new EnvReader(env);
  const identityUrl = r.url('IDENTITY_URL', 'http://127.0.0.1:4001');
  const tenancyGraphqlUrl = r.url('TENANCY_URL', 'http://127.0.0.1:4002/graphql');
  const serviceSecret = r.string('SERVICE_SECRET');
  if (serviceSecret.length < 32) throw new ConfigError('SERVICE_SECRET', 'must be at least 32 characters');
  return Object.freeze({ identityUrl, tenancyGraphqlUrl, serviceSecret });
}

/**
 * The deps of a subgraph running as its own process (main.ts): tokens verified against identity's
 * JWKS, the org directory asked of tenancy with a service token carrying `scopes`, and the event
 * bus: Redis Streams when REDIS_URL is set, else in-process (logged: no other service hears it).
 */
export function standaloneSubgraphDeps(config: ServiceConfig, scopes: readonly string[], env: Env = process.env): SubgraphDeps {
  const remote = readRemoteServicesConfig(env);
  const serviceTokens = remoteServiceTokens({ identityUrl: remote.identityUrl, service: config.serviceName, secret: remote.serviceSecret, scopes });
  const logger = createLogger({ service: config.serviceName }, config.logLevel);
  return {
    logger,
    verifyToken: createTokenVerifier({ keys: config.jwksUrl, issuer: config.jwtIssuer, audience: config.jwtAudience }),
    orgDirectory: cachedOrgDirectory(remoteOrgDirectory(remote.tenancyGraphqlUrl, serviceTokens)),
    eventBus: eventBusFromEnv(logger, env),
    liveChannel: liveChannelFromEnv(logger, env),
    serviceTokens,
  };
}
