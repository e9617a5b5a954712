import { standaloneSubgraphDeps, startTracing, stopOnSignals } from '@platform/kernel';
import { createWalletSubgraph, readWalletConfig } from './index.ts';

// Off unless OTEL_EXPORTER_OTLP_ENDPOINT (or another OTEL_* exporter variable) is set; see README "Traces and metrics".
startTracing('wallet');

// Standalone: `tsx subgraphs/wallet/src/main.ts` with DATABASE_URL, SERVICE_SECRET, JWKS_URL,
// TENANCY_URL, IDENTITY_URL, PORT (default 4003).
const config = readWalletConfig();
const deps = standaloneSubgraphDeps(config, ['tenancy:read']);
const wallet = createWalletSubgraph(config, deps);
await wallet.start();
stopOnSignals(wallet, deps.logger);
