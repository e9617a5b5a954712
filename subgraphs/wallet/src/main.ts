import { standaloneSubgraphDeps, stopOnSignals } from '@platform/kernel';
import { createWalletSubgraph, readWalletConfig } from './index.ts';

// Standalone: `tsx subgraphs/wallet/src/main.ts` with DATABASE_URL, SERVICE_SECRET, JWKS_URL,
// TENANCY_URL, IDENTITY_URL, PORT (default 4003).
const config = readWalletConfig();
const deps = standaloneSubgraphDeps(config, ['tenancy:read']);
const wallet = createWalletSubgraph(config, deps);
await wallet.start();
stopOnSignals(wallet, deps.logger);
