import type { RequestContext } from '@platform/kernel';
import type { BillingServices } from './domain/services.ts';
import type { BillingLoaders } from './loaders.ts';

/** What every resolver gets: the kernel's base (caller, access, logger) plus services and fresh loaders. */
export type BillingContext = RequestContext & {
  readonly services: BillingServices;
  readonly loaders: BillingLoaders;
};
