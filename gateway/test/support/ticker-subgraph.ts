import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { BoundedQueue, startSubgraphServer, type Logger, type RequestContext, type RunningServer, type TokenVerifier } from '@platform/kernel';
import { TestOrgTree } from '@platform/testkit';

/** ticker owns a subscription whose events refer to alpha's Thing: the gateway must fetch `name` from alpha per event. */
export const tickerSdl = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Query { tickerPing: String }
  type Subscription { ticks(topic: String!): Tick! }
  type Tick { n: Int! thing: Thing! seenBy: String }
  type Thing @key(fields: "id", resolvable: false) { id: ID! }
`;

export interface Ticker {
  readonly server: RunningServer;
  /** Sends a tick to every subscription on `topic`. */
  tick(topic: string, n: number, thingId: string): void;
  /** Subscriptions the ticker holds right now (what the gateway opened upstream). */
  readonly active: number;
  stop(): Promise<void>;
}

export async function startTicker(deps: { verifyToken: TokenVerifier; logger: Logger }): Promise<Ticker> {
  const topics = new Map<string, Set<BoundedQueue<{ n: number; thingId: string }>>>();
  let active = 0;
  const server = await startSubgraphServer({
    name: 'ticker',
    port: 0,
    host: '127.0.0.1',
    orgDirectory: new TestOrgTree(),
    ready: async () => true,
    extendContext: (c: RequestContext) => c,
    ...deps,
    schema: buildSubgraphSchema({
      typeDefs: parse(tickerSdl),
      resolvers: {
        Query: { tickerPing: () => 'pong' },
        Subscription: {
          ticks: {
            subscribe: (_: unknown, args: { topic: string }, ctx: RequestContext) => {
              ctx.access.requireCaller();
              let set = topics.get(args.topic);
              if (!set) topics.set(args.topic, (set = new Set()));
              active++;
              const queue = new BoundedQueue<{ n: number; thingId: string }>(1000, () => {
                active--;
                set.delete(queue);
              });
              set.add(queue);
              return queue;
            },
            resolve: (event: { n: number; thingId: string }) => event,
          },
        },
        Tick: {
          thing: (event: { thingId: string }) => ({ id: event.thingId }),
          seenBy: (_: unknown, _a: unknown, ctx: RequestContext) => (ctx.caller.kind === 'authenticated' ? ctx.caller.sub : null),
        },
      } as never,
    }),
  });
  return {
    server,
    tick(topic, n, thingId) {
      for (const queue of topics.get(topic) ?? []) queue.push({ n, thingId });
    },
    get active() {
      return active;
    },
    stop: () => server.stop(),
  };
}
