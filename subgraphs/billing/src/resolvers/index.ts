import { DateTimeScalar as DateTime } from '@platform/kernel';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { Mutation } from './mutation.ts';
import { Note } from './note.ts';
import { Query } from './query.ts';

export const resolvers: Resolvers = { DateTime, Query, Mutation, Note };
