import { ScratchDatabases } from '@platform/kernel/testing';
import { inject } from 'vitest';
import './provided-context.ts';

/**
 * A fresh, empty database for one test file (or one service in it), on the server the global setup
 * chose. Databases are dropped by `dropTestDatabases` (call it in afterAll), so reruns start clean.
 */
const scratch = new ScratchDatabases(() => inject('adminDatabaseUrl'));

export const createTestDatabase = (label: string): Promise<string> => scratch.create(label);

export const dropTestDatabases = (): Promise<void> => scratch.dropAll();
