import type { OrgDirectory } from '../auth/org-directory.ts';
import type { ServiceTokenSource } from '../auth/service-token.ts';
import type { TokenVerifier } from '../auth/verify-token.ts';
import type { EventBus } from '../events/event-bus.ts';
import type { LiveChannel } from '../live/live-channel.ts';
import type { Logger } from '../logger.ts';

/**
 * What a composition root hands every `createXSubgraph(config, deps)`: the parts that differ between
 * running embedded, configured, or in a test. No subgraph reaches for a global.
 */
export interface SubgraphDeps {
  readonly logger: Logger;
  readonly verifyToken: TokenVerifier;
  readonly orgDirectory: OrgDirectory;
  readonly eventBus: EventBus;
  /** Mints service tokens for calls to other subgraphs. */
  readonly serviceTokens: ServiceTokenSource;
  /** Sees every SQL statement (statement counting in tests and benchmarks). */
  readonly onQuery?: (sql: string) => void;
  /** Live fan-out for subscriptions (Redis pub/sub across replicas); in-process when absent. */
  readonly liveChannel?: LiveChannel;
}
