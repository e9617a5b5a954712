import type { Migrations } from '@platform/kernel';
import * as initial from './2026_11_22_0001_initial.ts';

/** Timestamped and frozen: add new files, never edit merged ones. */
export const CatalogMigrations: Migrations = {
  '2026_11_22_0001_initial': initial,
};
