import { ROLE_SCOPES, type ApiKeyScope, type Role } from '@platform/kernel';

/**
 * May a key with `role` carry `scope`? Exactly what the gateway grants a user of that role
 * (kernel ROLE_SCOPES, one table for both), so a key never holds more than its role permits a person.
 */
export const roleAllowsScope = (role: Role, scope: ApiKeyScope): boolean => ROLE_SCOPES[role].includes(scope);
