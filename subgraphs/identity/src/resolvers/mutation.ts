import { fieldsUnder, parseOptionalId } from '@platform/kernel';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { parseEmail } from '../domain/email.ts';
import { parseNewUser } from '../domain/new-user.ts';

export const Mutation: MutationResolvers = {
  logIn: (_root, args, ctx) => {
    const email = parseEmail(args.email, 'email');
    const organizationId = parseOptionalId(args.organizationId, 'organizationId');
    return ctx.services.sessions.logIn({ emailNormalized: email.normalized, password: args.password, organizationId, clientAddress: ctx.clientAddress });
  },
  refreshSession: (_root, args, ctx) => {
    const organizationId = parseOptionalId(args.organizationId, 'organizationId');
    return ctx.services.sessions.refresh({ refreshToken: args.refreshToken, organizationId });
  },
  logOut: (_root, { refreshToken }, ctx) => ctx.services.sessions.logOut(refreshToken),
  createUser: (_root, { input }, ctx) =>
    fieldsUnder('input', async () => {
      const user = parseNewUser(input);
      const caller = await ctx.access.assertMember(user.organizationId, 'ADMIN');
      return ctx.services.users.create(caller.role, user);
    }),
  rotateSigningKey: async (_root, _args, ctx) => {
    await ctx.access.assertProviderStaff('OWNER', 'rotate signing keys');
    const key = await ctx.services.keys.rotate();
    return { kid: key.kid, algorithm: key.algorithm, activatesAt: key.activatesAt };
  },
};
