import { standaloneSubgraphDeps, stopOnSignals } from '@platform/kernel';
import { create{{Name}}Subgraph, read{{Name}}Config } from './index.ts';

// Standalone: `tsx subgraphs/{{name}}/src/main.ts` with DATABASE_URL, SERVICE_SECRET, JWKS_URL,
// TENANCY_URL, IDENTITY_URL, PORT (default {{port}}).
const config = read{{Name}}Config();
const deps = standaloneSubgraphDeps(config, ['tenancy:read']);
const {{camelName}} = create{{Name}}Subgraph(config, deps);
await {{camelName}}.start();
stopOnSignals({{camelName}}, deps.logger);
