import { defineSubgraph, type Database, type SubgraphDeps } from '@platform/kernel';
import type { {{Name}}Config } from './config.ts';
import type { {{Name}}Context } from './context.ts';
import { migrations } from './db/migrations/index.ts';
import type { {{Name}}Database } from './db/types.ts';
import { createServices } from './domain/services.ts';
import { createLoaders } from './loaders.ts';
import { build{{Name}}Schema } from './schema.ts';

export { read{{Name}}Config, type {{Name}}Config } from './config.ts';
export type { Note } from './domain/note.ts';

/** The {{name}} subgraph as a declaration; defineSubgraph orders start() and stop(). */
export function create{{Name}}Subgraph(config: {{Name}}Config, deps: SubgraphDeps) {
  return defineSubgraph({
    name: '{{name}}',
    place: config,
    deps,
    migrations,
    schema: build{{Name}}Schema(),
    outbox: config.outboxIntervalMs,
    services: (database: Database<{{Name}}Database>) => createServices(database.db),
    context: (base, services): {{Name}}Context => ({ ...base, services, loaders: createLoaders(services) }),
  });
}

export type {{Name}}Subgraph = ReturnType<typeof create{{Name}}Subgraph>;
