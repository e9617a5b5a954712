import type { FormattedExecutionResult } from 'graphql';
import { BoundedQueue, deriveAsyncIterator, platformMetrics, type AuthenticatedCaller, type Logger } from '@platform/kernel';
import type { GatewayContext } from '../context.ts';
import { executeForEvent, primaryVariables, type PlannedOperation } from './federated-execution.ts';
import type { LoadedSupergraph } from './supergraph-internals.ts';
import type { SubscriptionNode } from '@apollo/query-planner';
import type { UpstreamConnections } from './upstream.ts';

/** What a client's subscription receives: a result, plus how many were dropped before it. */
export type Delivery = FormattedExecutionResult;

/** The identity a shared upstream acts as: same principal, same visibility. */
export function principalKey(caller: AuthenticatedCaller): string {
  return [caller.typ, caller.sub, caller.org ?? '', caller.role ?? '', [...caller.scopes].sort().join(',')].join('|');
}

interface Shared {
  readonly clients: Set<BoundedQueue<Delivery>>;
  stop(): void;
  chain: Promise<void>;
}

/**
 * Identical subscriptions (same operation, variables and principal) share one upstream subscription
 * and one execution of the rest of the plan per event; each client gets the result through its own
 * bounded queue. A slow client's oldest undelivered events are dropped and counted (the next
 * message it gets says how many in `extensions.droppedEvents`); the others are not held back.
 */
export class SharedSubscriptions {
  private readonly shared = new Map<string, Shared>();
  droppedTotal = 0;

  constructor(
    private readonly upstream: UpstreamConnections,
    private readonly tokens: PrincipalTokens,
    private readonly logger: Logger,
    private readonly bufferSize: number,
  ) {}

  join(
    supergraph: LoadedSupergraph,
    planned: PlannedOperation,
    node: SubscriptionNode,
    key: { text: string; variables: Record<string, unknown> },
    context: GatewayContext & { caller: AuthenticatedCaller },
  ): AsyncIterableIterator<Delivery> {
    const principal = principalKey(context.caller);
    const id = `${principal}\n${planned.operationName ?? ''}\n${key.text}\n${JSON.stringify(key.variables)}`;
    let entry = this.shared.get(id);
    if (!entry) entry = this.start(id, supergraph, planned, node, key.variables, context, principal);
    const held = entry;
    const queue: BoundedQueue<Delivery> = new BoundedQueue(
      this.bufferSize,
      () => {
        held.clients.delete(queue);
        this.droppedTotal += queue.totalDropped;
        if (held.clients.size === 0 && this.shared.get(id) === held) {
          this.shared.delete(id);
          held.stop();
        }
      },
      () => platformMetrics.droppedEvents.inc(),
    );
    held.clients.add(queue);
    return deriveAsyncIterator(queue, async (iterator) => {
      const step = await iterator.next();
      if (step.done) return { done: true, value: undefined };
      const dropped = queue.takeDropped();
      return { done: false, value: dropped > 0 ? { ...step.value, extensions: { ...step.value.extensions, droppedEvents: dropped } } : step.value };
    });
  }

  private start(
    id: string,
    supergraph: LoadedSupergraph,
    planned: PlannedOperation,
    node: SubscriptionNode,
    variables: Record<string, unknown>,
    context: GatewayContext,
    principal: string,
  ): Shared {
    const url = supergraph.urlOf(node.primary.serviceName);
    const entry: Shared = { clients: new Set(), stop: () => undefined, chain: Promise.resolve() };
    this.shared.set(id, entry);
    if (!url) {
      this.logger.error('subscription subgraph has no URL', { subgraph: node.primary.serviceName });
      queueMicrotask(() => this.endAll(entry, { errors: [{ message: 'Internal error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }));
      return entry;
    }
    const fanOut = (result: Delivery) => {
      for (const queue of entry.clients) queue.push(result);
    };
    entry.stop = this.upstream.subscribe(
      { url, principal, tokenOf: () => this.tokens.freshest(principal) },
      { query: node.primary.operation, variables: primaryVariables(node.primary, variables), operationName: node.primary.operationName },
      {
        next: (event) => {
          // One event at a time per shared subscription: clients see events in the order they happened.
          entry.chain = entry.chain.then(async () => {
            const token = this.tokens.freshest(principal);
            const ctx: GatewayContext = token && context.caller.kind === 'authenticated' ? { ...context, caller: { ...context.caller, token } } : context;
            try {
              fanOut(await executeForEvent(supergraph, planned, node, event, ctx, variables));
            } catch (error) {
              this.logger.error('subscription event failed', { error });
              fanOut({ errors: [{ message: `Internal error (request ${context.requestId})`, extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
            }
          });
        },
        end: (error) => {
          void entry.chain.then(() => {
            if (error !== undefined) this.logger.warn('upstream subscription ended with an error', { error: String((error as Error)?.message ?? error) });
            const errors = Array.isArray(error) ? (error as FormattedExecutionResult['errors']) : undefined;
            this.endAll(entry, errors ? { errors } : undefined);
            if (this.shared.get(id) === entry) this.shared.delete(id);
          });
        },
      },
    );
    return entry;
  }

  private endAll(entry: Shared, last?: Delivery) {
    for (const queue of entry.clients) {
      if (last) queue.push(last);
      queue.end();
    }
  }

  /** Distinct shared subscriptions (= upstream subscriptions). */
  get size(): number {
    return this.shared.size;
  }

  get clients(): number {
    let n = 0;
    for (const entry of this.shared.values()) n += entry.clients.size;
    return n;
  }
}

/**
 * The tokens live connections hold, per principal: a shared upstream connects with the one that
 * expires last, so it outlives any single client's token.
 */
export class PrincipalTokens {
  private readonly byPrincipal = new Map<string, Map<string, { count: number; expiresAtMs: number }>>();

  add(principal: string, token: string, expiresAtMs: number): () => void {
    let tokens = this.byPrincipal.get(principal);
    if (!tokens) this.byPrincipal.set(principal, (tokens = new Map()));
    const held = tokens.get(token);
    if (held) held.count++;
    else tokens.set(token, { count: 1, expiresAtMs });
    return () => {
      const entry = tokens.get(token);
      if (entry && --entry.count === 0) tokens.delete(token);
      if (tokens.size === 0 && this.byPrincipal.get(principal) === tokens) this.byPrincipal.delete(principal);
    };
  }

  freshest(principal: string): string | undefined {
    let best: string | undefined;
    let bestExp = -1;
    for (const [token, { expiresAtMs }] of this.byPrincipal.get(principal) ?? []) {
      if (expiresAtMs > bestExp) [best, bestExp] = [token, expiresAtMs];
    }
    return best;
  }
}
