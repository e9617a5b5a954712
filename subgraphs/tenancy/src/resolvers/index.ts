import { DateTimeScalar as DateTime } from '@platform/kernel';
import type { Resolvers } from '../__generated__/resolvers-types.ts';
import { Membership } from './membership.ts';
import { MembershipConnection } from './membership-connection.ts';
import { Mutation } from './mutation.ts';
import { Organization } from './organization.ts';
import { OrganizationConnection } from './organization-connection.ts';
import { Query } from './query.ts';
import { User } from './user.ts';

export const resolvers: Resolvers = { DateTime, Query, Mutation, Organization, Membership, User, OrganizationConnection, MembershipConnection };
