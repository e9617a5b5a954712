import {
  cachedOrgDirectory,
  createLogger,
  createTokenVerifier,
  InMemoryEventBus,
  remoteOrgDirectory,
  remoteServiceTokens,
  stopOnSignals,
} from '@platform/kernel';
import { createCatalogSubgraph, readCatalogConfig, readCatalogStandaloneSettings } from './index.ts';

// Standalone: `tsx subgraphs/catalog/src/main.ts` with DATABASE_URL, SERVICE_SECRET, JWKS_URL, IDENTITY_URL, TENANCY_URL, PORT.
const config = readCatalogConfig();
const settings = readCatalogStandaloneSettings();
const logger = createLogger({ service: 'catalog' }, config.logLevel);
const serviceTokens = remoteServiceTokens({
  identityUrl: settings.identityUrl,
  service: 'catalog',
  secret: settings.serviceSecret,
  scopes: ['tenancy:read'],
});
const catalog = createCatalogSubgraph(config, {
  logger,
  verifyToken: createTokenVerifier({ keys: config.jwksUrl, issuer: config.jwtIssuer, audience: config.jwtAudience }),
  orgDirectory: cachedOrgDirectory(remoteOrgDirectory(settings.tenancyGraphqlUrl, serviceTokens)),
  eventBus: new InMemoryEventBus(),
  serviceTokens,
});
await catalog.start();
stopOnSignals(catalog, logger);
