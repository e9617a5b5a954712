import { fieldsUnder, parseId, parseOptionalId, roleSatisfies } from '@platform/kernel';
import type { MutationResolvers } from '../__generated__/resolvers-types.ts';
import { parseEmail } from '../domain/email.ts';
import { parseNewApiKey } from '../domain/new-api-key.ts';
import { parseNewUser } from '../domain/new-user.ts';
import { requireSignedInUser, visibleKey } from './api-key-access.ts';
import { scopeFromEnum } from './api-key-scope.ts';

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
  createApiKey: (_root, { input }, ctx) =>
    fieldsUnder('input', async () => {
      requireSignedInUser(ctx);
      const command = parseNewApiKey({ ...input, scopes: input.scopes.map(scopeFromEnum) });
      const caller = await ctx.access.assertMember(command.organizationId, 'VIEWER', { write: true });
      return ctx.services.apiKeys.create(caller, command);
    }),
  revokeApiKey: async (_root, args, ctx) => {
    const id = parseId(args.id, 'id');
    const caller = requireSignedInUser(ctx);
    const key = await visibleKey(ctx, id);
    const byAdmin = key.ownerUserId !== caller.sub && caller.role !== null && roleSatisfies(caller.role, 'ADMIN');
    return ctx.services.apiKeys.revoke(key.id, byAdmin ? `revoked by an administrator (${caller.sub})` : 'revoked by its owner');
  },
};
