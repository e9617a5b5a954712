import type { Migrations } from '@platform/kernel';
import * as m0001 from './2026_11_22_0001_organizations_and_memberships.ts';
import * as m0002 from './2026_11_29_0001_suspended_by_service.ts';

export const migrations: Migrations = {
  '2026_11_22_0001_organizations_and_memberships': m0001,
  '2026_11_29_0001_suspended_by_service': m0002,
};
