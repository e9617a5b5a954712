import type { Migrations } from '@platform/kernel';
import * as m0001 from './2026_11_29_0001_billing_core.ts';
import * as m0002 from './2026_11_29_0002_payments.ts';
import * as m0003 from './2026_11_29_0003_usage_versions.ts';
import * as m0004 from './2026_11_29_0004_suspension_lifted.ts';
import * as m0005 from './2026_11_29_0005_observed_licences.ts';

// Add new migrations below, named by timestamp; never edit or rename one that has been merged.
export const migrations: Migrations = {
  '2026_11_29_0001_billing_core': m0001,
  '2026_11_29_0002_payments': m0002,
  '2026_11_29_0003_usage_versions': m0003,
  '2026_11_29_0004_suspension_lifted': m0004,
  '2026_11_29_0005_observed_licences': m0005,
};
