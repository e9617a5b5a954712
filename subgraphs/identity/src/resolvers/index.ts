import { DateTimeScalar } from '@platform/kernel';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { ApiKey, CreatedApiKey } from './api-key.ts';
import { Mutation } from './mutation.ts';
import { Organization } from './organization.ts';
import { Query } from './query.ts';
import { Session } from './session.ts';
import { User } from './user.ts';

export const resolvers: Resolvers = { DateTime: DateTimeScalar, Query, Mutation, User, Session, Organization, ApiKey, CreatedApiKey };
