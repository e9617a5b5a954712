import { createLogger, eventBusFromEnv, startTracing, stopOnSignals } from '@platform/kernel';
import { createIdentitySubgraph, readIdentityConfig } from './index.ts';

// Off unless OTEL_EXPORTER_OTLP_ENDPOINT (or another OTEL_* exporter variable) is set; see README "Traces and metrics".
startTracing('identity');

// Standalone: `tsx subgraphs/identity/src/main.ts` with DATABASE_URL, SERVICE_CREDENTIALS (name=sha256 of each service's SERVICE_SECRET, comma-separated), KEY_ENCRYPTION_KEY, TENANCY_URL, PORT.
const config = readIdentityConfig();
// Identity verifies with its own keys and signs its own service tokens: only the logger and bus are taken.
const logger = createLogger({ service: 'identity' }, config.logLevel);
const eventBus = eventBusFromEnv(logger);
const identity = createIdentitySubgraph(config, { logger, eventBus });
await identity.start();
stopOnSignals(identity, logger);
