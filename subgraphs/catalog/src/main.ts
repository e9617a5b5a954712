import { standaloneSubgraphDeps, startTracing, stopOnSignals } from '@platform/kernel';
import { createCatalogSubgraph, readCatalogConfig } from './index.ts';

// Off unless OTEL_EXPORTER_OTLP_ENDPOINT (or another OTEL_* exporter variable) is set; see README "Traces and metrics".
startTracing('catalog');

// Standalone: `tsx subgraphs/catalog/src/main.ts` with DATABASE_URL, SERVICE_SECRET, JWKS_URL,
// IDENTITY_URL, TENANCY_URL, PORT (default 4004).
const config = readCatalogConfig();
const deps = standaloneSubgraphDeps(config, ['tenancy:read']);
const catalog = createCatalogSubgraph(config, deps);
await catalog.start();
stopOnSignals(catalog, deps.logger);
