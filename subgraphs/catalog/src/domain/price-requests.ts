import { badInput, parseId } from '@platform/kernel';
import type { PriceQuery } from './price-lookup.ts';
import { parseVmSpec, type VmSpecInput } from './vm-spec.ts';

export const MAX_PRICE_REQUESTS = 500;

export interface PriceRequestInput {
  readonly productId?: string | null;
  readonly spec?: VmSpecInput | null;
  readonly at: Date;
}

/** Exactly one of a product id or a spec; `field` is the request's path (`lines[2]`, `requests[0]`). */
export function parsePriceSubject(input: { readonly productId?: string | null; readonly spec?: VmSpecInput | null }, field: string): PriceQuery['subject'] {
  const hasProduct = input.productId != null;
  if (hasProduct === (input.spec != null)) throw badInput(field, 'give either productId or spec, not both or neither.');
  return hasProduct ? { productId: parseId(input.productId!, `${field}.productId`) } : { spec: parseVmSpec(input.spec!, `${field}.spec`) };
}

/** The `requests` argument of internalPrices. */
export function parsePriceRequests(requests: readonly PriceRequestInput[]): PriceQuery[] {
  if (requests.length > MAX_PRICE_REQUESTS) throw badInput('requests', `may hold at most ${MAX_PRICE_REQUESTS} requests.`, { max: MAX_PRICE_REQUESTS });
  return requests.map((r, i) => ({ subject: parsePriceSubject(r, `requests[${i}]`), at: r.at, field: `requests[${i}]` }));
}
