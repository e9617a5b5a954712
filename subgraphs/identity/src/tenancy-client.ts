import type { Role, ServiceTokenSource } from '@platform/kernel';

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
  const url = typeof graphqlUrl === 'string' ? () => graphqlUrl : graphqlUrl;
  async function call<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const response = await fetch(url(), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await tokens()}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(5_000),
    });
    const body = (await response.json()) as { data?: T; errors?: unknown[] };
    if (!response.ok || body.errors || !body.data) {
      throw new Error(`tenancy call failed: HTTP ${response.status} ${JSON.stringify(body.errors ?? [])}`);
    }
    return body.data;
  }
  return {
    async membershipsOfUsers(userIds) {
      if (userIds.length === 0) return [];
      const data = await call<{ internalMembershipsOfUsers: MembershipRecord[] }>(
        'query($ids: [ID!]!) { internalMembershipsOfUsers(userIds: $ids) { userId organizationId role } }',
        { ids: userIds },
      );
      return data.internalMembershipsOfUsers;
    },
    async grantMembership(userId, organizationId, role) {
      await call('mutation($u: ID!, $o: ID!, $r: Role!) { internalGrantMembership(userId: $u, organizationId: $o, role: $r) }', {
        u: userId,
        o: organizationId,
        r: role,
      });
    },
  };
}
