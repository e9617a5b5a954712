import { createLogger, InMemoryEventBus, stopOnSignals } from '@platform/kernel';
import { createIdentitySubgraph, readIdentityConfig } from './index.ts';

// Standalone: `tsx subgraphs/identity/src/main.ts` with DATABASE_URL, SERVICE_SECRET, TENANCY_URL, PORT.
const config = readIdentityConfig();
const logger = createLogger({ service: 'identity' }, config.logLevel);
const identity = createIdentitySubgraph(config, { logger, eventBus: new InMemoryEventBus() });
await identity.start();
stopOnSignals(identity, logger);
