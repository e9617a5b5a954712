import { toMoney } from '@platform/kernel';
import type { QuoteLineResolvers } from '../__generated__/resolvers-types.ts';
import { priceLine } from './price-line.ts';
import { vmSpec } from './vm-spec.ts';

export const QuoteLine: QuoteLineResolvers = {
  product: (line, _args, ctx) => (line.productId ? ctx.loaders.product.load(line.productId) : null),
  spec: (line) => (line.spec ? vmSpec(line.spec) : null),
  unitMonthly: (line) => toMoney(line.unitMonthlyMinor),
  amount: (line) => toMoney(line.amountMinor),
  components: (line) => line.components.map((c) => priceLine(c)),
};
