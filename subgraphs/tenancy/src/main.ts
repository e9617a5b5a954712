import { createLogger, createTokenVerifier, eventBusFromEnv, startTracing, stopOnSignals } from '@platform/kernel';
import { createTenancySubgraph, readTenancyConfig } from './index.ts';

// Off unless OTEL_EXPORTER_OTLP_ENDPOINT (or another OTEL_* exporter variable) is set; see README "Traces and metrics".
startTracing('tenancy');

// Standalone: `tsx subgraphs/tenancy/src/main.ts` with DATABASE_URL, JWKS_URL, PORT. Tenancy is the
// org directory and calls no other subgraph, so it needs no SERVICE_SECRET (standaloneSubgraphDeps would).
const config = readTenancyConfig();
const logger = createLogger({ service: 'tenancy' }, config.logLevel);
const tenancy = createTenancySubgraph(config, {
  logger,
  verifyToken: createTokenVerifier({ keys: config.jwksUrl, issuer: config.jwtIssuer, audience: config.jwtAudience }),
  eventBus: eventBusFromEnv(logger),
});
await tenancy.start();
stopOnSignals(tenancy, logger);
