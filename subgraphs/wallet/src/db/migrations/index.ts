import type { Migrations } from '@platform/kernel';
import * as m0001 from './2026_11_22_0001_ledger.ts';

export const migrations: Migrations = {
  '2026_11_22_0001_ledger': m0001,
};
