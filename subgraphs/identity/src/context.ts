import type { RequestContext } from '@platform/kernel';
import type { IdentityServices } from './services.ts';
import type { IdentityLoaders } from './loaders.ts';

export type IdentityContext = RequestContext & {
  readonly services: IdentityServices;
  readonly loaders: IdentityLoaders;
  /** The client's address: x-forwarded-for when the peer is a trusted proxy (the gateway), else the peer. */
  readonly clientAddress: string;
};

/**
 * The gateway replaces x-forwarded-for with the client's address; identity believes that header only
 * from a peer listed in TRUSTED_PROXY_ADDRESSES (loopback by default, where the embedded gateway
 * runs), so a client reaching identity directly cannot pick the address it is throttled by.
 */
export { clientAddressOf } from '@platform/kernel';
