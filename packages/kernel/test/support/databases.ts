import { inject } from 'vitest';
import { ScratchDatabases } from '../../src/testing/index.ts';

// The test kit's global setup provides the server; the kernel cannot import the test kit (it depends on the kernel).
declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

const databases = new ScratchDatabases(() => inject('adminDatabaseUrl'));

/** A fresh, empty database for this test file; dropped by dropTestDatabases (call it in afterAll). */
export const createTestDatabase = (label: string): Promise<string> => databases.create(label);
export const dropTestDatabases = (): Promise<void> => databases.dropAll();
