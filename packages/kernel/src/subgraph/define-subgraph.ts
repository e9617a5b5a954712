import type http from 'node:http';
import type { GraphQLSchema } from 'graphql';
import type { OrgDirectory } from '../auth/org-directory.ts';
import type { TokenVerifier } from '../auth/verify-token.ts';
import type { RequestContext } from '../context.ts';
import { createDatabase, type Database } from '../db/database.ts';
import { migrateToLatest, type Migrations } from '../db/migrate.ts';
import type { EventConsumer } from '../events/consumer.ts';
import type { Registration } from '../events/event-bus.ts';
import { OutboxRelay } from '../events/outbox-relay.ts';
import type { HttpRoute } from '../http/http-server.ts';
import type { MetricsAccess } from '../observability/metrics-access.ts';
import type { PeriodicTask } from '../tasks/periodic-task.ts';
import type { SubgraphDeps } from './subgraph-deps.ts';
import { startSubgraphServer, type RunningServer } from './subgraph-server.ts';

/** Where a subgraph listens and keeps its data (a subset of every subgraph's config). */
export interface SubgraphPlace {
  readonly databaseUrl: string;
  readonly port: number;
  readonly host: string;
  readonly metrics?: MetricsAccess;
}

/**
 * What the composition root hands over. A subgraph that verifies tokens with its own keys (identity)
 * or is the org directory itself (tenancy) leaves those out and supplies them through `auth`.
 */
export type DefineSubgraphDeps = Omit<SubgraphDeps, 'verifyToken' | 'orgDirectory' | 'serviceTokens'> &
  Partial<Pick<SubgraphDeps, 'verifyToken' | 'orgDirectory' | 'serviceTokens'>>;

export interface SubgraphDefinition<DB, Services, Ctx extends RequestContext, Deps extends DefineSubgraphDeps> {
  readonly name: string;
  readonly place: SubgraphPlace;
  readonly deps: Deps;
  readonly migrations: Migrations;
  readonly schema: GraphQLSchema;
  readonly poolSize?: number;
  /** The domain services, built once; request handling, tasks and consumers share them. */
  readonly services: (database: Database<DB>, deps: Deps) => Services;
  /** The per-request context: the base plus fresh DataLoaders and the services resolvers call. */
  readonly context: (base: RequestContext, services: Services, req: http.IncomingMessage) => Ctx;
  /** Token verifier / org directory a subgraph owns itself; each defaults to the one in `deps`. */
  readonly auth?: (database: Database<DB>, services: Services) => { readonly verifyToken?: TokenVerifier; readonly orgDirectory?: OrgDirectory };
  /** Background passes (sweeps, recovery). Give them `database.background` so requests' statement counts stay exact. */
  readonly tasks?: (database: Database<DB>, services: Services, deps: Deps) => readonly PeriodicTask[];
  readonly consumers?: (database: Database<DB>, services: Services, deps: Deps) => readonly EventConsumer[];
  readonly routes?: (services: Services) => readonly HttpRoute[];
  /** Relay this subgraph's outbox table to `deps.eventBus`; a number is the relay interval in ms. */
  readonly outbox?: boolean | number;
  /** After migrating, before serving (e.g. make sure a signing key exists). */
  readonly beforeStart?: (services: Services) => Promise<void>;
  /** After tasks and consumers have stopped, before the pool closes (e.g. let in-flight sagas settle). */
  readonly stopServices?: (services: Services) => Promise<void>;
}

export interface DefinedSubgraph<DB, Services> {
  readonly db: Database<DB>['db'];
  readonly database: Database<DB>;
  readonly services: Services;
  migrate(): Promise<void>;
  /** Migrates, registers consumers, serves, then starts tasks and the outbox relay. */
  start(): Promise<RunningServer>;
  /** Server, consumers, tasks (awaiting passes in flight), services, relay, pool: each stops before what it uses. */
  stop(): Promise<void>;
  /**
   * Consumers, tasks and the outbox relay only (awaiting passes in flight); stop() does it too. A
   * platform stopping calls it on every subgraph first, so no loop polls a database being shut down.
   */
  stopBackground(): Promise<void>;
}

/** A subgraph as a declaration: its index.ts says what it has, this wires and orders it (DESIGN §7.1). */
export function defineSubgraph<DB, Services, Ctx extends RequestContext, Deps extends DefineSubgraphDeps>(
  definition: SubgraphDefinition<DB, Services, Ctx, Deps>,
): DefinedSubgraph<DB, Services> {
  const { name, place, deps } = definition;
  const database = createDatabase<DB>({
    url: place.databaseUrl,
    service: name,
    logger: deps.logger,
    onQuery: deps.onQuery,
    maxConnections: definition.poolSize,
  });
  const services = definition.services(database, deps);
  const own = definition.auth?.(database, services) ?? {};
  const verifyToken = own.verifyToken ?? deps.verifyToken;
  const orgDirectory = own.orgDirectory ?? deps.orgDirectory;
  if (!verifyToken || !orgDirectory) throw new Error(`subgraph ${name}: no ${verifyToken ? 'org directory' : 'token verifier'} in deps or auth`);
  const relay = definition.outbox
    ? new OutboxRelay(database.background, deps.eventBus, deps.logger, definition.outbox === true ? 250 : definition.outbox, name)
    : undefined;
  let tasks: readonly PeriodicTask[] = [];
  let consumers: readonly Registration[] = [];
  let server: RunningServer | undefined;
  const migrate = async () => {
    await migrateToLatest(database.db, definition.migrations);
  };
  return {
    db: database.db,
    database,
    services,
    migrate,
    async start() {
      await migrate();
      await definition.beforeStart?.(services);
      // Consumers first: events relayed while the server starts are not missed.
      consumers = (definition.consumers?.(database, services, deps) ?? []).map((consumer) => deps.eventBus.register(consumer));
      server = await startSubgraphServer<Ctx>({
        name,
        schema: definition.schema,
        port: place.port,
        host: place.host,
        logger: deps.logger,
        verifyToken,
        orgDirectory,
        extendContext: (base, req) => definition.context(base, services, req),
        ready: () => database.ping(),
        routes: definition.routes?.(services) ?? [],
        metrics: place.metrics,
      });
      tasks = definition.tasks?.(database, services, deps) ?? [];
      for (const task of tasks) task.start();
      relay?.start();
      return server;
    },
    async stopBackground() {
      await Promise.all([...consumers.map((registration) => registration.stop()), ...tasks.map((task) => task.stop()), relay?.stop()]);
    },
    async stop() {
      await server?.stop();
      await Promise.all(consumers.map((registration) => registration.stop()));
      await Promise.all(tasks.map((task) => task.stop()));
      await definition.stopServices?.(services);
      await relay?.stop();
      await database.close();
    },
  };
}
