import type { Generated } from 'kysely';
import type { OutboxTables } from '@platform/kernel';

export interface OrganizationsTable {
  id: string;
  kind: 'PROVIDER' | 'RESELLER' | 'CUSTOMER';
  name: string;
  parent_id: string | null;
  path: string[];
  status: Generated<'ACTIVE' | 'SUSPENDED'>;
  /** The current suspension is a service's (billing's overdue policy), which that service may lift. */
  suspended_by_service: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface MembershipsTable {
  id: string;
  user_id: string;
  organization_id: string;
  role: 'OWNER' | 'ADMIN' | 'MEMBER' | 'VIEWER' | 'BILLING';
  created_at: Generated<Date>;
}

export interface TenancyDatabase extends OutboxTables {
  organizations: OrganizationsTable;
  memberships: MembershipsTable;
}
