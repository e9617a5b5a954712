import { badInput, parseOptionalId, parseOptionalText } from '@platform/kernel';
import { PRODUCT_KINDS, type ProductFilter, type ProductKind } from './product.ts';

export interface ProductFilterInput {
  readonly category?: string | null;
  readonly kind?: string | null;
  readonly active?: boolean | null;
  readonly minVcpu?: number | null;
  readonly minMemoryGib?: number | null;
  readonly search?: string | null;
}

/** The `filter` argument of `products`; errors name `filter.<field>`. */
export function parseProductFilter(input: ProductFilterInput | null | undefined): ProductFilter {
  if (!input) return {};
  const filter: { -readonly [K in keyof ProductFilter]: ProductFilter[K] } = {};
  const categoryId = parseOptionalId(input.category, 'filter.category');
  if (categoryId !== null) filter.categoryId = categoryId;
  if (input.kind != null) {
    if (!(PRODUCT_KINDS as readonly string[]).includes(input.kind)) throw badInput('filter.kind', `must be one of ${PRODUCT_KINDS.join(', ')}.`);
    filter.kind = input.kind as ProductKind;
  }
  if (input.active != null) filter.active = input.active;
  for (const key of ['minVcpu', 'minMemoryGib'] as const) {
    const value = input[key];
    if (value == null) continue;
    if (!Number.isInteger(value) || value < 0) throw badInput(`filter.${key}`, 'must be a whole number, 0 or more.');
    filter[key] = value;
  }
  const search = parseOptionalText(input.search, 'filter.search', { max: 100 });
  if (search !== null) filter.search = search;
  return filter;
}
