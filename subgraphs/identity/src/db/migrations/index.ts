import type { Migrations } from '@platform/kernel';
import * as m0001 from './2026_11_22_0001_identity.ts';
import * as m0002 from './2026_11_29_0002_secrets_and_throttles.ts';
import * as m0003 from './2026_11_29_0003_api_keys.ts';

export const migrations: Migrations = {
  '2026_11_22_0001_identity': m0001,
  '2026_11_29_0002_secrets_and_throttles': m0002,
  '2026_11_29_0003_api_keys': m0003,
};
