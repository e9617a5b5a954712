import type { RequestContext } from '@platform/kernel';
import type { Kysely } from 'kysely';
import type { TenancyDatabase } from './db/types.ts';
import type { TenancyLoaders } from './loaders.ts';

export interface TenancyContext extends RequestContext {
  readonly db: Kysely<TenancyDatabase>;
  readonly loaders: TenancyLoaders;
}
