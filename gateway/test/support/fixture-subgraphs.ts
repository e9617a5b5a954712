import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { DateTimeScalar, startSubgraphServer, type Logger, type RequestContext, type RunningServer, type TokenVerifier } from '@platform/kernel';
import { TestOrgTree } from '@platform/testkit';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';

/** alpha owns Thing; `color` exists in the service but only in the composed supergraph from version 2 on (reload test). */
export const alphaSdl = (withColor: boolean) => `
  ${LINK}
  type Query { thing(id: ID!): Thing }
  type Thing @key(fields: "id") { id: ID! name: String! ${withColor ? 'color: String' : ''} }
`;

/**
 * beta adds fields to Thing: an echo of what it was sent, one that fails with a secret, one that hangs;
 * DateTime arguments it refuses (HTTP 400) when malformed, at the root, on an entity and in a mutation;
 * and `betaHeld`, held until released, then answering who asked (request merging).
 */
export const betaSdl = `
  ${LINK}
  scalar DateTime
  type Query { betaPing: String betaWhen(at: DateTime!): String betaStamps: Int betaHeld: String }
  type Mutation { betaStamp(at: DateTime!): String }
  type Thing @key(fields: "id") {
    seenAt(at: DateTime): String
    id: ID!
    extra: String
    seenBy: String
    seenRequestId: String
    broken: String
    slow: String
  }
`;

/** What beta's `broken` field throws: a raw driver error carrying a connection string. */
export const SECRET_ERROR = 'connect ECONNREFUSED postgres://app:secret@10.0.0.5:5432/beta';

export interface FixtureSubgraphs {
  readonly alpha: RunningServer;
  readonly beta: RunningServer;
  /** Releases every request parked in `slow` or `betaHeld`, so the servers can stop promptly. */
  releaseHanging(): void;
  /** How many `betaHeld` resolutions are parked: one per request that reached beta. */
  held(): number;
  stop(): Promise<void>;
}

export async function startFixtureSubgraphs(deps: { verifyToken: TokenVerifier; logger: Logger }): Promise<FixtureSubgraphs> {
  const hanging: ((value: string | null) => void)[] = [];
  const held: (() => void)[] = [];
  let stamps = 0;
  const common = { port: 0, host: '127.0.0.1', orgDirectory: new TestOrgTree(), ready: async () => true, extendContext: (c: RequestContext) => c, ...deps };
  const alpha = await startSubgraphServer({
    ...common,
    name: 'alpha',
    schema: buildSubgraphSchema({
      typeDefs: parse(alphaSdl(true)),
      resolvers: {
        Query: { thing: (_: unknown, args: { id: string }) => ({ id: args.id }) },
        Thing: {
          __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
          name: (thing: { id: string }) => `thing ${thing.id}`,
          color: () => 'teal',
        },
      },
    }),
  });
  const beta = await startSubgraphServer({
    ...common,
    name: 'beta',
    schema: buildSubgraphSchema([
      {
        typeDefs: parse(betaSdl),
        resolvers: {
          DateTime: DateTimeScalar,
          Query: {
            betaPing: () => 'pong',
            betaWhen: (_: unknown, args: { at: Date }) => args.at.toISOString(),
            betaStamps: () => stamps,
            betaHeld: (_: unknown, _a: unknown, ctx: RequestContext) =>
              new Promise<string>((resolve) => held.push(() => resolve(ctx.caller.kind === 'authenticated' ? ctx.caller.sub : 'anonymous'))),
          },
          Mutation: {
            betaStamp: (_: unknown, args: { at: Date }) => {
              stamps++;
              return args.at.toISOString();
            },
          },
          Thing: {
            seenAt: (_: unknown, args: { at?: Date | null }) => args.at?.toISOString() ?? null,
            __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
            extra: (thing: { id: string }) => `extra for ${thing.id}`,
            seenBy: (_: unknown, _a: unknown, ctx: RequestContext) => (ctx.caller.kind === 'authenticated' ? ctx.caller.sub : null),
            seenRequestId: (_: unknown, _a: unknown, ctx: RequestContext) => ctx.requestId,
            broken: () => {
              throw new Error(SECRET_ERROR);
            },
            slow: () => new Promise<string | null>((resolve) => hanging.push(resolve)),
          },
        },
      },
    ]),
  });
  const releaseHanging = () => {
    for (const resolve of hanging.splice(0)) resolve(null);
    for (const release of held.splice(0)) release();
  };
  return {
    alpha,
    beta,
    releaseHanging,
    held: () => held.length,
    async stop() {
      releaseHanging();
      await Promise.all([alpha.stop(), beta.stop()]);
    },
  };
}
