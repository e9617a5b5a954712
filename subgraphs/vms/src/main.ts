import { standaloneSubgraphDeps, startTracing, stopOnSignals } from '@platform/kernel';
import { createVmsSubgraph, readVmsConfig } from './index.ts';

// Off unless OTEL_EXPORTER_OTLP_ENDPOINT (or another OTEL_* exporter variable) is set; see README "Traces and metrics".
startTracing('vms');

// Standalone: `tsx subgraphs/vms/src/main.ts` with DATABASE_URL, SERVICE_SECRET, JWKS_URL, TENANCY_URL,
// IDENTITY_URL, CATALOG_URL, WALLET_URL, PORT (default 4005), VMS_BUILD_DELAY_MS, VMS_BUILD_FAILURE_PERCENT.
const config = readVmsConfig();
const deps = standaloneSubgraphDeps(config, ['tenancy:read', 'catalog:price', 'wallet:hold']);
const vms = createVmsSubgraph(config, deps);
await vms.start();
stopOnSignals(vms, deps.logger);
