import { badInput, createServiceClient, parseAmount, ServiceRefusal, type ServiceTokenSource } from '@platform/kernel';
import type { PricedVm, PricingPort, VmExtras } from '../domain/ports.ts';
import type { VmSize } from '@platform/kernel';

const PRODUCT_PRICE = `query VmsPriceProduct($id: ID!, $requests: [PriceRequest!]!) {
  product(id: $id) { kind active spec { __typename ... on VmSpec { vcpu cpuSpeed memoryGib diskGib storageTier licences addOns } } }
  internalPrices(requests: $requests) { monthly { amount currency } }
}`;
const SPEC_PRICE = `query VmsPriceSpec($requests: [PriceRequest!]!) { internalPrices(requests: $requests) { monthly { amount currency } } }`;

interface Priced {
  internalPrices: { monthly: { amount: string; currency: string } }[];
}
interface ProductPriced extends Priced {
  product: { kind: string; active: boolean; spec: (VmSize & VmExtras & { __typename: string }) | null } | null;
}

interface ExtraProduct {
  kind: string;
  active: boolean;
  price: { monthly: { amount: string; currency: string } } | null;
}

/** One aliased productBySku per SKU (SKUs travel as variables): every extra looked up in one round trip. */
function extrasQuery(count: number): string {
  const vars = Array.from({ length: count }, (_, i) => `$s${i}: String!`).join(', ');
  const fields = Array.from({ length: count }, (_, i) => `p${i}: productBySku(sku: $s${i}) { kind active price(at: $at) { monthly { amount currency } } }`);
  return `query VmsPriceExtras($at: DateTime!, ${vars}) { ${fields.join(' ')} }`;
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
        const { vcpu, cpuSpeed, memoryGib, diskGib, storageTier, licences, addOns } = product.spec;
        return monthlyOf(data, { vcpu, cpuSpeed, memoryGib, diskGib, storageTier }, { licences, addOns });
      }
      const data = await renameFields(() => catalog.request<Priced>(SPEC_PRICE, { requests: [{ spec: subject.spec, at: at.toISOString() }] }));
      return monthlyOf(data, subject.spec, { licences: [], addOns: [] });
    },
    async priceExtras(extras, at) {
      const wanted = [
        ...extras.licences.map((sku, i) => ({ sku, kind: 'LICENCE', field: `licences[${i}]` })),
        ...extras.addOns.map((sku, i) => ({ sku, kind: 'ADD_ON', field: `addOns[${i}]` })),
      ];
      if (wanted.length === 0) return { monthlyMinor: 0n, currency: 'ZAR' };
      const variables: Record<string, string> = { at: at.toISOString() };
      wanted.forEach((w, i) => (variables[`s${i}`] = w.sku));
      const data = await catalog.request<Record<string, ExtraProduct | null>>(extrasQuery(wanted.length), variables);
      let monthlyMinor = 0n;
      let currency = 'ZAR';
      wanted.forEach((w, i) => {
        const product = data[`p${i}`];
        if (!product || product.kind !== w.kind) throw badInput(w.field, `no ${w.kind} product has SKU ${w.sku}.`);
        if (!product.active) throw badInput(w.field, `${w.sku} is no longer sold.`);
        if (!product.price) throw badInput(w.field, `${w.sku} has no price in force.`);
        monthlyMinor += parseAmount(product.price.monthly.amount, 'price', { allowZero: true });
        currency = product.price.monthly.currency;
      });
      return { monthlyMinor, currency };
    },
  };
}

function monthlyOf(data: Priced, spec: VmSize, included: VmExtras): PricedVm {
  const price = data.internalPrices[0];
  if (!price) throw new Error('catalog returned no price');
  return { monthlyMinor: parseAmount(price.monthly.amount, 'price'), currency: price.monthly.currency, spec, included };
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
