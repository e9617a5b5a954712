import type { Kysely } from 'kysely';
import type { RequestContext } from '@platform/kernel';
import type { CatalogDatabase } from './db/types.ts';
import type { CatalogLoaders } from './loaders.ts';

export interface CatalogSettings {
  readonly quoteValidityDays: number;
}

export interface CatalogContext extends RequestContext {
  readonly db: Kysely<CatalogDatabase>;
  readonly loaders: CatalogLoaders;
  /** The request's instant: every "now" within one request is the same. */
  readonly now: Date;
  readonly settings: CatalogSettings;
}
