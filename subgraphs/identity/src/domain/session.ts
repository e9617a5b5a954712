import type { Role } from '@platform/kernel';

/** What logIn and refreshSession return. */
export interface Session {
  readonly accessToken: string;
  readonly expiresAt: Date;
  readonly refreshToken: string;
  readonly refreshExpiresAt: Date;
  readonly userId: string;
  readonly organizationId: string | null;
  readonly role: Role | null;
}

/** Scopes carried in a user's token, from the role it acts with. */
export const SCOPES_BY_ROLE: Record<Role, readonly string[]> = {
  OWNER: ['read', 'write', 'admin', 'billing'],
  ADMIN: ['read', 'write', 'admin', 'billing'],
  MEMBER: ['read', 'write'],
  BILLING: ['read', 'billing'],
  VIEWER: ['read'],
};
