import type { Kysely } from 'kysely';
import { findProductsBySkus, listCategories, listProducts } from '../db/product-repository.ts';
import type { CatalogDatabase } from '../db/types.ts';
import type { Category, Product, ProductFilter } from './product.ts';
import type { VmSpec } from './vm-spec.ts';

export const MAX_CATEGORIES = 100;

/** A VM size on sale: its product and shape (what the demo fleet is built from). */
export type VmSizeOffer = Pick<Product, 'id' | 'sku'> & Pick<VmSpec, 'vcpu' | 'cpuSpeed' | 'memoryGib' | 'diskGib' | 'storageTier'>;

/** Reading the catalogue: products in SKU order, categories. */
export class ProductService {
  constructor(private readonly db: Kysely<CatalogDatabase>) {}

  /** `fetch` products after `afterSku`, in SKU order. */
  list(filter: ProductFilter, page: { readonly fetch: number; readonly after: string | null }): Promise<Product[]> {
    return listProducts(this.db, filter, page.fetch, page.after);
  }

  async bySku(sku: string): Promise<Product | null> {
    return (await findProductsBySkus(this.db, [sku]))[0] ?? null;
  }

  /** Categories are reference data (tens, not thousands); the cap keeps the list bounded anyway. */
  categories(): Promise<Category[]> {
    return listCategories(this.db, MAX_CATEGORIES);
  }

  /** Every active VM_SIZE product, in SKU order. */
  async activeVmSizes(): Promise<VmSizeOffer[]> {
    const sizes: VmSizeOffer[] = [];
    const fetch = 500;
    for (let after: string | null = null; ;) {
      const page = await this.list({ kind: 'VM_SIZE', active: true }, { fetch, after });
      for (const { id, sku, vmSpec } of page) {
        if (vmSpec)
          sizes.push({
            id,
            sku,
            vcpu: vmSpec.vcpu,
            cpuSpeed: vmSpec.cpuSpeed,
            memoryGib: vmSpec.memoryGib,
            diskGib: vmSpec.diskGib,
            storageTier: vmSpec.storageTier,
          });
      }
      if (page.length < fetch) return sizes;
      after = page[page.length - 1]!.sku;
    }
  }
}
