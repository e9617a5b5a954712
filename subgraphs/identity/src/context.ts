import type { RequestContext } from '@platform/kernel';
import type { SessionDeps } from './domain/sessions.ts';
import type { IdentityLoaders } from './loaders.ts';

export interface IdentityContext extends RequestContext {
  readonly identity: SessionDeps;
  readonly loaders: IdentityLoaders;
}
