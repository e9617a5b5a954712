import type { OrganizationResolvers } from '../__generated__/resolvers-types.ts';

/** Wallet's part of tenancy's Organization entity. */
export const Organization: OrganizationResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  async wallet(org, _args, ctx) {
    const wallet = await ctx.loaders.walletByOrganization.load(org.id.toLowerCase());
    return wallet && (await ctx.access.canSee(wallet.organizationId)) ? wallet : null;
  },
};
