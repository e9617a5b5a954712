import type { RequestContext } from '@platform/kernel';
import type { IdentityServices } from './services.ts';
import type { IdentityLoaders } from './loaders.ts';

export type IdentityContext = RequestContext & {
  readonly services: IdentityServices;
  readonly loaders: IdentityLoaders;
};
