import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { adminMutations } from './admin.ts';
import { pricingQueries } from './pricing.ts';
import { Category, Product, productQueries } from './product.ts';
import { Organization, Quote, QuoteLine, quoteMutations, quoteQueries } from './quote.ts';
import { DateTimeScalar as DateTime } from '@platform/kernel';

export const resolvers: Resolvers = {
  DateTime,
  Query: { ...productQueries, ...pricingQueries, ...quoteQueries },
  Mutation: { ...quoteMutations, ...adminMutations },
  Product,
  Category,
  Quote,
  QuoteLine,
  Organization,
};
