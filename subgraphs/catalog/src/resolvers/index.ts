import { DateTimeScalar as DateTime } from '@platform/kernel';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { Category } from './category.ts';
import { Mutation } from './mutation.ts';
import { Organization } from './organization.ts';
import { Product } from './product.ts';
import { Query } from './query.ts';
import { Quote } from './quote.ts';
import { QuoteLine } from './quote-line.ts';

export const resolvers: Resolvers = { DateTime, Query, Mutation, Product, Category, Quote, QuoteLine, Organization };
