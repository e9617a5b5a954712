import type { Role } from '@platform/kernel';

export interface Membership {
  readonly id: string;
  readonly userId: string;
  readonly organizationId: string;
  readonly role: Role;
  readonly createdAt: Date;
}

/** A reference to identity's User entity; tenancy contributes `memberships` to it. */
export interface UserRef {
  readonly id: string;
}
