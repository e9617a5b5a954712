import type { RequestContext } from '@platform/kernel';
import type { {{Name}}Services } from './domain/services.ts';
import type { {{Name}}Loaders } from './loaders.ts';

/** What every resolver gets: the kernel's base (caller, access, logger) plus services and fresh loaders. */
export type {{Name}}Context = RequestContext & {
  readonly services: {{Name}}Services;
  readonly loaders: {{Name}}Loaders;
};
