import type { RequestContext } from '@platform/kernel';
import type { CatalogAdmin } from './domain/catalog-admin.ts';
import type { PricingService } from './domain/pricing-service.ts';
import type { ProductService } from './domain/product-service.ts';
import type { QuoteService, QuoteSweep } from './domain/quote-service.ts';
import type { CatalogLoaders } from './loaders.ts';

/** The domain services, built once per subgraph. */
export interface CatalogServices {
  readonly products: ProductService;
  readonly pricing: PricingService;
  readonly admin: CatalogAdmin;
  readonly quotes: QuoteService;
  readonly quoteSweep: QuoteSweep;
}

export type CatalogContext = RequestContext & {
  readonly services: CatalogServices;
  readonly loaders: CatalogLoaders;
  /** The request's instant: every "now" within one request is the same. */
  readonly now: Date;
};
