import { badInput, isApiKeyScope, parseId, parseText, type ApiKeyScope, type Role } from '@platform/kernel';
import type { ApiKeyRateLimit } from './api-key.ts';

/** A createApiKey command, parsed: every field checked before anything is written. */
export interface NewApiKey {
  readonly organizationId: string;
  readonly name: string;
  readonly role: Role;
  readonly scopes: readonly ApiKeyScope[];
  readonly expiresAt: Date | null;
  readonly rateLimit: ApiKeyRateLimit | null;
}

export interface NewApiKeyInput {
  organizationId: string;
  name: string;
  role: Role;
  scopes: readonly string[];
  expiresAt?: Date | null;
  rateLimit?: { requestsPerMinute: number; burst?: number | null } | null;
}

export const MAX_REQUESTS_PER_MINUTE = 60_000;
export const MAX_BURST = 10_000;
/** A key lives at most this long: rotation is the point of having several. */
export const MAX_KEY_LIFETIME_DAYS = 731;

/** Field names as the command names them; the resolver puts them under `input` (`fieldsUnder`). */
export function parseNewApiKey(input: NewApiKeyInput, now = new Date()): NewApiKey {
  const organizationId = parseId(input.organizationId, 'organizationId');
  const name = parseText(input.name, 'name', { max: 100, singleLine: true });
  if (input.scopes.length === 0) throw badInput('scopes', 'name at least one scope.');
  const unknown = input.scopes.filter((s) => !isApiKeyScope(s));
  if (unknown.length > 0) throw badInput('scopes', `unknown scope ${unknown.map((s) => JSON.stringify(s.slice(0, 40))).join(', ')}.`);
  const scopes = [...new Set(input.scopes as ApiKeyScope[])];
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt !== null && expiresAt.getTime() <= now.getTime()) throw badInput('expiresAt', 'must be in the future.');
  if (expiresAt !== null && expiresAt.getTime() > now.getTime() + MAX_KEY_LIFETIME_DAYS * 86_400_000) {
    throw badInput('expiresAt', `must be at most ${MAX_KEY_LIFETIME_DAYS} days ahead.`);
  }
  return { organizationId, name, role: input.role, scopes, expiresAt, rateLimit: parseRateLimit(input.rateLimit ?? null) };
}

function parseRateLimit(input: { requestsPerMinute: number; burst?: number | null } | null): ApiKeyRateLimit | null {
  if (input === null) return null;
  const { requestsPerMinute } = input;
  if (!Number.isInteger(requestsPerMinute) || requestsPerMinute < 1 || requestsPerMinute > MAX_REQUESTS_PER_MINUTE) {
    throw badInput('rateLimit.requestsPerMinute', `must be a whole number from 1 to ${MAX_REQUESTS_PER_MINUTE}.`);
  }
  const burst = input.burst ?? Math.min(requestsPerMinute, MAX_BURST);
  if (!Number.isInteger(burst) || burst < 1 || burst > MAX_BURST) throw badInput('rateLimit.burst', `must be a whole number from 1 to ${MAX_BURST}.`);
  return { requestsPerMinute, burst };
}
