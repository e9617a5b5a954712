import type { Migrations } from '@platform/kernel';
import * as initial from './2026_11_23_0001_inventory.ts';

/** Timestamped and frozen: add new files, never edit merged ones. */
export const VmsMigrations: Migrations = {
  '2026_11_23_0001_inventory': initial,
};
