import type { RequestContext } from '@platform/kernel';
import type { VmsLoaders } from './loaders.ts';
import type { VmsServices } from './services.ts';

export interface VmsContext extends RequestContext {
  readonly services: VmsServices;
  readonly loaders: VmsLoaders;
}
