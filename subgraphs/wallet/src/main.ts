import {
  cachedOrgDirectory,
  createLogger,
  createTokenVerifier,
  InMemoryEventBus,
  remoteOrgDirectory,
  remoteServiceTokens,
  stopOnSignals,
} from '@platform/kernel';
import { createWalletSubgraph, readWalletConfig, readWalletRemoteConfig } from './index.ts';

// Standalone: `tsx subgraphs/wallet/src/main.ts` with DATABASE_URL, SERVICE_SECRET, JWKS_URL,
// TENANCY_URL, IDENTITY_URL, PORT (default 4003).
const config = readWalletConfig();
const remote = readWalletRemoteConfig();
const logger = createLogger({ service: 'wallet' }, config.logLevel);
const serviceTokens = remoteServiceTokens({ identityUrl: remote.identityUrl, service: 'wallet', secret: remote.serviceSecret, scopes: ['tenancy:read'] });
const wallet = createWalletSubgraph(config, {
  logger,
  verifyToken: createTokenVerifier({ keys: config.jwksUrl, issuer: config.jwtIssuer, audience: config.jwtAudience }),
  orgDirectory: cachedOrgDirectory(remoteOrgDirectory(remote.tenancyUrl, serviceTokens)),
  // In-process only: a standalone wallet hears no other service's events until a Redis bus exists.
  eventBus: new InMemoryEventBus(),
  serviceTokens,
});
await wallet.start();
stopOnSignals(wallet, logger);
