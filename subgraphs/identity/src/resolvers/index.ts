import { DateTimeScalar, fail, isUuid } from '@platform/kernel';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { logIn, logOut, refreshSession } from '../domain/sessions.ts';
import { createUser } from '../domain/users.ts';

export const resolvers: Resolvers = {
  DateTime: DateTimeScalar,
  Query: {
    me: (_root, _args, ctx) => {
      const caller = ctx.caller;
      if (caller.kind !== 'authenticated' || caller.typ !== 'user') return null;
      return ctx.loaders.visibleUser.load(caller.sub);
    },
    user: async (_root, { id }, ctx) => {
      ctx.access.requireCaller();
      const user = isUuid(id) ? await ctx.loaders.visibleUser.load(id.toLowerCase()) : null;
      if (!user) throw fail('NOT_FOUND', 'User not found.');
      return user;
    },
  },
  Mutation: {
    logIn: (_root, args, ctx) => logIn(ctx.identity, args),
    refreshSession: (_root, args, ctx) => refreshSession(ctx.identity, args),
    logOut: (_root, { refreshToken }, ctx) => logOut(ctx.identity, refreshToken),
    createUser: (_root, { input }, ctx) =>
      createUser({ db: ctx.identity.db, tenancy: ctx.identity.tenancy, scryptLog2N: ctx.identity.config.passwordScryptLog2N }, ctx.access, input),
    rotateSigningKey: async (_root, _args, ctx) => {
      await ctx.access.assertProviderStaff('OWNER', 'rotate signing keys');
      const key = await ctx.identity.keys.rotate();
      return { kid: key.kid, algorithm: key.algorithm, activatesAt: key.activatesAt };
    },
  },
  User: {
    __resolveReference: (ref, ctx) => ctx.loaders.visibleUser.load(ref.id),
  },
  Session: {
    tokenType: () => 'Bearer',
    user: async (s, _args, ctx) => {
      const user = await ctx.loaders.userById.load(s.userId);
      if (!user) throw fail('NOT_FOUND', 'User not found.');
      return user;
    },
    organization: (s) => (s.organizationId ? { id: s.organizationId } : null),
  },
};
