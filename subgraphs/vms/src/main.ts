import {
  cachedOrgDirectory,
  createLogger,
  createTokenVerifier,
  InMemoryEventBus,
  remoteOrgDirectory,
  remoteServiceTokens,
  stopOnSignals,
} from '@platform/kernel';
import { createVmsSubgraph, readVmsConfig, readVmsStandaloneSettings } from './index.ts';

// Standalone: `tsx subgraphs/vms/src/main.ts` with DATABASE_URL, SERVICE_SECRET, JWKS_URL, TENANCY_URL,
// IDENTITY_URL, CATALOG_URL, WALLET_URL, PORT (default 4005), VMS_BUILD_DELAY_MS, VMS_BUILD_FAILURE_PERCENT.
const config = readVmsConfig();
const remote = readVmsStandaloneSettings();
const logger = createLogger({ service: 'vms' }, config.logLevel);
const serviceTokens = remoteServiceTokens({
  identityUrl: remote.identityUrl,
  service: 'vms',
  secret: remote.serviceSecret,
  scopes: ['tenancy:read', 'catalog:price', 'wallet:hold'],
});
const vms = createVmsSubgraph(config, {
  logger,
  verifyToken: createTokenVerifier({ keys: config.jwksUrl, issuer: config.jwtIssuer, audience: config.jwtAudience }),
  orgDirectory: cachedOrgDirectory(remoteOrgDirectory(remote.tenancyUrl, serviceTokens)),
  // In-process only: a standalone vms publishes to no other service until a Redis bus exists.
  eventBus: new InMemoryEventBus(),
  serviceTokens,
});
await vms.start();
stopOnSignals(vms, logger);
