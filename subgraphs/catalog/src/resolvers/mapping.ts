import { toMoney, type Money } from '@platform/kernel';
import type { ComponentLine, PriceBreakdown, PricedItem } from '../domain/price-lookup.ts';
import { basisPointsAsPercent, hourlyFromMonthly, type Totals } from '../domain/pricing.ts';
import type { PriceInForce, Product } from '../domain/product.ts';
import type { VatRate } from '../domain/vat.ts';
import { CPU_CLOCK_MHZ, type VmSpec } from '../domain/vm-spec.ts';
import type {
  InternalPrice,
  PriceBreakdown as PriceBreakdownGql,
  PriceLine,
  PriceTotals,
  ProductPrice,
  StorageBlockSpec,
  VatRate as VatRateGql,
  VmSpec as VmSpecGql,
} from '../__generated__/resolvers-types.ts';

// Domain → GraphQL shapes. Amounts leave as exact decimal strings via the kernel's toMoney.

export const money = (minor: bigint, currency = 'ZAR'): Money => toMoney(minor, currency);

export function productPrice(price: PriceInForce): ProductPrice {
  return {
    monthly: money(price.monthlyMinor, price.currency),
    hourly: money(hourlyFromMonthly(price.monthlyMinor), price.currency),
    effectiveFrom: price.effectiveFrom,
  };
}

export function priceLine(line: ComponentLine, currency = 'ZAR'): PriceLine {
  return {
    sku: line.sku,
    description: line.description,
    quantity: line.quantity,
    unitMonthly: money(line.unitMonthlyMinor, currency),
    monthly: money(line.monthlyMinor, currency),
    hourly: money(hourlyFromMonthly(line.monthlyMinor), currency),
    priceEffectiveFrom: line.priceEffectiveFrom,
  };
}

export const vatRate = (rate: VatRate): VatRateGql => ({
  basisPoints: rate.basisPoints,
  percent: basisPointsAsPercent(rate.basisPoints),
  effectiveFrom: rate.effectiveFrom,
});

const totals = (t: Totals, currency: string): PriceTotals => ({
  subtotal: money(t.subtotalMinor, currency),
  vat: money(t.vatMinor, currency),
  total: money(t.totalMinor, currency),
});

export function priceBreakdown(b: PriceBreakdown): PriceBreakdownGql {
  return {
    pricedAt: b.pricedAt,
    lines: b.lines.map((l) => priceLine(l, b.currency)),
    vatRate: vatRate(b.vatRate),
    monthly: totals(b.monthly, b.currency),
    hourly: totals(b.hourly, b.currency),
  };
}

export function internalPrice(item: PricedItem): InternalPrice {
  return {
    at: item.at,
    productId: item.product?.id ?? null,
    sku: item.product?.sku ?? null,
    monthly: money(item.unitMonthlyMinor, item.currency),
    hourly: money(hourlyFromMonthly(item.unitMonthlyMinor), item.currency),
    lines: item.lines.map((l) => priceLine(l, item.currency)),
  };
}

export const vmSpec = (spec: VmSpec): VmSpecGql & { __typename: 'VmSpec' } => ({
  __typename: 'VmSpec',
  vcpu: spec.vcpu,
  cpuSpeed: spec.cpuSpeed,
  cpuClockMhz: CPU_CLOCK_MHZ[spec.cpuSpeed],
  memoryGib: spec.memoryGib,
  diskGib: spec.diskGib,
  storageTier: spec.storageTier,
  licences: [...spec.licences],
  addOns: [...spec.addOns],
});

/** The ProductSpec union member, tagged so graphql-js resolves the type from __typename. */
export function productSpec(product: Product): (VmSpecGql | StorageBlockSpec) | null {
  if (product.vmSpec) return vmSpec(product.vmSpec);
  if (product.storageBlock) return { __typename: 'StorageBlockSpec', sizeGib: product.storageBlock.sizeGib, tier: product.storageBlock.tier };
  return null;
}
