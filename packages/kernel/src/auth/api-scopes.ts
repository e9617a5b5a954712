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
