import type { Role } from './roles.ts';

export type CallerType = 'user' | 'api_key' | 'service';

/** A verified caller, taken from a token's claims. Nothing else is trusted. */
export interface AuthenticatedCaller {
  readonly kind: 'authenticated';
  readonly sub: string;
  readonly typ: CallerType;
  /** The organisation the caller acts in (absent for services). */
  readonly org: string | null;
  readonly role: Role | null;
  readonly scopes: readonly string[];
  readonly token: string;
}

export interface AnonymousCaller {
  readonly kind: 'anonymous';
}

export type Caller = AuthenticatedCaller | AnonymousCaller;

export const ANONYMOUS: AnonymousCaller = Object.freeze({ kind: 'anonymous' });
