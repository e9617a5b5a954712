import { createServiceClient, type Role, type ServiceTokenSource } from '@platform/kernel';

export interface MembershipRecord {
  readonly userId: string;
  readonly organizationId: string;
  readonly role: Role;
}

/** Identity's view of tenancy: memberships for tokens, and granting one to a new user. */
export interface TenancyClient {
  membershipsOfUsers(userIds: readonly string[]): Promise<MembershipRecord[]>;
  grantMembership(userId: string, organizationId: string, role: Role): Promise<void>;
}

/** `graphqlUrl` may be a function when tenancy's port is known only after it starts. */
export function remoteTenancyClient(graphqlUrl: string | (() => string), tokens: ServiceTokenSource): TenancyClient {
  const tenancy = createServiceClient({ url: graphqlUrl, tokens, timeoutMs: 5_000 });
  return {
    async membershipsOfUsers(userIds) {
      if (userIds.length === 0) return [];
      const data = await tenancy.request<{ internalMembershipsOfUsers: MembershipRecord[] }>(
        'query($ids: [ID!]!) { internalMembershipsOfUsers(userIds: $ids) { userId organizationId role } }',
        { ids: userIds },
      );
      return data.internalMembershipsOfUsers;
    },
    async grantMembership(userId, organizationId, role) {
      await tenancy.request('mutation($u: ID!, $o: ID!, $r: Role!) { internalGrantMembership(userId: $u, organizationId: $o, role: $r) }', {
        u: userId,
        o: organizationId,
        r: role,
      });
    },
  };
}
