import type { OrganizationConnectionResolvers } from '../__generated__/resolvers-types.ts';

export const OrganizationConnection: OrganizationConnectionResolvers = {
  totalCount: (connection) => connection.count(),
};
