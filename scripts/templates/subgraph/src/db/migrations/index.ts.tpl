import type { Migrations } from '@platform/kernel';
import * as m0001 from './{{migration}}.ts';

// Add new migrations below, named by timestamp; never edit or rename one that has been merged.
export const migrations: Migrations = {
  '{{migration}}': m0001,
};
