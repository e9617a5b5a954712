import { standaloneSubgraphDeps, stopOnSignals } from '@platform/kernel';
import { createBillingSubgraph, readBillingConfig } from './index.ts';

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
