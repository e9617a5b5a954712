import type { VatRate as VatRateGql } from '../__generated__/resolvers-types.ts';
import { basisPointsAsPercent } from '../domain/pricing.ts';
import type { VatRate } from '../domain/vat.ts';

export const vatRate = (rate: VatRate): VatRateGql => ({
  basisPoints: rate.basisPoints,
  percent: basisPointsAsPercent(rate.basisPoints),
  effectiveFrom: rate.effectiveFrom,
});
