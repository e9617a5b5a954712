import { badInput, createServiceClient, parseAmount, ServiceRefusal, type ServiceTokenSource } from '@platform/kernel';
import type { PricedVm, PricingPort } from '../domain/ports.ts';
import type { VmSize } from '@platform/kernel';

const PRODUCT_PRICE = `query VmsPriceProduct($id: ID!, $requests: [PriceRequest!]!) {
  product(id: $id) { kind active spec { __typename ... on VmSpec { vcpu cpuSpeed memoryGib diskGib storageTier } } }
  internalPrices(requests: $requests) { monthly { amount currency } }
}`;
const SPEC_PRICE = `query VmsPriceSpec($requests: [PriceRequest!]!) { internalPrices(requests: $requests) { monthly { amount currency } } }`;

interface Priced {
  internalPrices: { monthly: { amount: string; currency: string } }[];
}
interface ProductPriced extends Priced {
  product: { kind: string; active: boolean; spec: (VmSize & { __typename: string }) | null } | null;
}

/** Prices through catalog's internalPrices (scope catalog:price), one round trip. */
export function catalogPricing(catalogUrl: string | (() => string), tokens: ServiceTokenSource): PricingPort {
  const catalog = createServiceClient({ url: catalogUrl, tokens });
  return {
    async price(subject, at) {
      if ('productId' in subject) {
        const data = await renameFields(() =>
          catalog.request<ProductPriced>(PRODUCT_PRICE, { id: subject.productId, requests: [{ productId: subject.productId, at: at.toISOString() }] }),
        );
        const product = data.product;
        if (!product || product.kind !== 'VM_SIZE' || !product.spec || product.spec.__typename !== 'VmSpec') {
          throw badInput('productId', 'is not a VM size in the catalogue.');
        }
        if (!product.active) throw badInput('productId', 'is no longer sold.');
        const { vcpu, cpuSpeed, memoryGib, diskGib, storageTier } = product.spec;
        return monthlyOf(data, { vcpu, cpuSpeed, memoryGib, diskGib, storageTier });
      }
      const data = await renameFields(() => catalog.request<Priced>(SPEC_PRICE, { requests: [{ spec: subject.spec, at: at.toISOString() }] }));
      return monthlyOf(data, subject.spec);
    },
  };
}

function monthlyOf(data: Priced, spec: VmSize): PricedVm {
  const price = data.internalPrices[0];
  if (!price) throw new Error('catalog returned no price');
  return { monthlyMinor: parseAmount(price.monthly.amount, 'price'), currency: price.monthly.currency, spec };
}

/** Catalog names fields of its own input (requests[0].spec.vcpu); the client sent productId / spec.vcpu. */
async function renameFields<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ServiceRefusal && error.code === 'BAD_USER_INPUT') {
      const field = String(error.extensions['field'] ?? 'productId').replace(/^requests\[0\]\./, '');
      throw badInput(field, error.message.replace(/^requests\[0\]\.[^:]*:\s*/, ''));
    }
    throw error;
  }
}
