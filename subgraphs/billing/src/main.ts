import { standaloneSubgraphDeps, startTracing, stopOnSignals } from '@platform/kernel';
import { createBillingSubgraph, readBillingConfig } from './index.ts';

// Off unless OTEL_EXPORTER_OTLP_ENDPOINT (or another OTEL_* exporter variable) is set; see README "Traces and metrics".
startTracing('billing');

// Standalone: `tsx subgraphs/billing/src/main.ts` with DATABASE_URL, SERVICE_SECRET, JWKS_URL,
// TENANCY_URL, IDENTITY_URL, CATALOG_URL, WALLET_URL, PORT (default 4006).
const config = readBillingConfig();
const deps = standaloneSubgraphDeps(config, [
  'tenancy:read',
  'catalog:price',
  'wallet:debit',
  'wallet:credit',
  'wallet:commission',
  'vms:read',
  'tenancy:write',
]);
const billing = createBillingSubgraph(config, deps);
await billing.start();
stopOnSignals(billing, deps.logger);
