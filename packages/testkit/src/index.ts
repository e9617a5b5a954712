// The kernel's runner-free test helpers, plus what needs vitest (the per-run database server).
export * from '@platform/kernel/testing';
export * from './test-database.ts';
export * from './fixtures.ts';
