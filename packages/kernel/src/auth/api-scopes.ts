import type { Caller } from './caller.ts';
import type { Role } from './roles.ts';

/**
 * Scopes an API key (typ `api_key`) may carry, on top of its role. A key's scopes are a subset of
 * what its owner could do; `@requiresScopes` in the schema names these. Service scopes
 * (`tenancy:read`, `wallet:hold`…) are a separate vocabulary, for internal services only.
 */
export const API_KEY_SCOPES = [
  'organizations:read',
  'vms:read',
  'vms:write',
  'wallet:read',
  'billing:read',
  'billing:write',
  'alerts:read',
  'alerts:write',
  'telemetry:write',
] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export const isApiKeyScope = (value: unknown): value is ApiKeyScope => typeof value === 'string' && (API_KEY_SCOPES as readonly string[]).includes(value);

const READ_SCOPES: readonly ApiKeyScope[] = ['organizations:read', 'vms:read', 'wallet:read', 'billing:read', 'alerts:read'];

/**
 * What a user's role permits, in scopes (decided for issue 13): a user holds every scope their role
 * permits, so `@requiresScopes` never stops a person from what their role allows, and an API key (which
 * carries a subset of its creator's scopes) can be held to less. The subgraphs still check the role on
 * the organisation acted on: a scope says what kind of action, the role says where.
 */
export const ROLE_SCOPES: Readonly<Record<Role, readonly ApiKeyScope[]>> = Object.freeze({
  OWNER: API_KEY_SCOPES,
  ADMIN: API_KEY_SCOPES,
  MEMBER: [...READ_SCOPES, 'vms:write', 'alerts:write', 'telemetry:write'],
  BILLING: [...READ_SCOPES, 'billing:write'],
  VIEWER: READ_SCOPES,
});

/**
 * The scopes a verified caller holds for `@requiresScopes`: a user's come from their role; an API key
 * (typ api_key) and a service carry exactly the `scopes` claim. Anonymous callers hold none.
 */
export function scopesOfCaller(caller: Caller): ReadonlySet<string> {
  if (caller.kind !== 'authenticated') return new Set();
  if (caller.typ === 'user') return new Set(caller.role ? ROLE_SCOPES[caller.role] : []);
  return new Set(caller.scopes);
}
