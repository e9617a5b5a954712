import { roleSatisfies, type ApiKeyScope, type Role } from '@platform/kernel';

/**
 * The API-key scopes each role may hold: a key's scopes must all be allowed for the key's own role
 * (and so for its owner's, which implies it). Reads follow VIEWER; writing VMs and alerts, and
 * pushing telemetry, need MEMBER; billing needs BILLING; everything is ADMIN's.
 */
const SCOPE_NEEDS: Record<ApiKeyScope, readonly Role[]> = {
  'organizations:read': ['VIEWER'],
  'vms:read': ['VIEWER'],
  'wallet:read': ['VIEWER'],
  'alerts:read': ['VIEWER'],
  'vms:write': ['MEMBER'],
  'alerts:write': ['MEMBER'],
  'telemetry:write': ['MEMBER'],
  'billing:read': ['BILLING'],
  'billing:write': ['BILLING'],
};

/** May a key with `role` carry `scope`? (Any one of the roles listed is enough.) */
export const roleAllowsScope = (role: Role, scope: ApiKeyScope): boolean => SCOPE_NEEDS[scope].some((needed) => roleSatisfies(role, needed));
