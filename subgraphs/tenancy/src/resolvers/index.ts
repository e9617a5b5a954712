import { DateTimeScalar as DateTime } from '@platform/kernel';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { Membership, MembershipConnection, OrganizationConnection, User } from './membership.ts';
import { Mutation } from './mutation.ts';
import { Organization } from './organization.ts';
import { Query } from './query.ts';

export const resolvers: Resolvers = { DateTime, Query, Mutation, Organization, Membership, User, OrganizationConnection, MembershipConnection };
