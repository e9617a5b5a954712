import type { MembershipConnectionResolvers } from '../__generated__/resolvers-types.ts';

export const MembershipConnection: MembershipConnectionResolvers = {
  totalCount: (connection) => connection.count(),
};
