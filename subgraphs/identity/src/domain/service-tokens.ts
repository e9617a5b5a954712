import { cachedTokens, type ServiceTokenSource } from '@platform/kernel';
import type { KeyRing } from './key-ring.ts';

/** The scopes each internal service may ask for: narrow, per service (DESIGN §4). */
export const SERVICE_SCOPES: Readonly<Record<string, readonly string[]>> = {
  identity: ['tenancy:read', 'tenancy:write'],
  tenancy: [],
  wallet: ['tenancy:read'],
  catalog: ['tenancy:read'],
  vms: ['tenancy:read', 'catalog:price', 'wallet:hold'],
  billing: ['tenancy:read', 'catalog:price', 'wallet:debit', 'wallet:credit', 'wallet:commission', 'vms:read', 'tenancy:write'],
  // A telemetry collector (the demo simulator, or a Collector fed a service credential): writes samples only.
  collector: ['telemetry:write'],
};

export const SERVICE_TOKEN_TTL_SECONDS = 300;

/** Scopes must already be checked against SERVICE_SCOPES. */
export function mintServiceToken(keys: KeyRing, service: string, scopes: readonly string[]) {
  return keys.sign({ typ: 'service', scopes: [...scopes] }, `service:${service}`, SERVICE_TOKEN_TTL_SECONDS);
}

/** Identity's own token for calling tenancy: signed here, no round trip through its own HTTP route. */
export function ownServiceTokens(keys: KeyRing): ServiceTokenSource {
  return cachedTokens(async () => {
    const { token, expiresAt } = await mintServiceToken(keys, 'identity', SERVICE_SCOPES['identity'] ?? []);
    return { token, expiresAt: expiresAt.getTime() };
  });
}
