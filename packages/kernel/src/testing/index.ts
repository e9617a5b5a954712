// Test and benchmark helpers: `@platform/kernel/testing`, never loaded by services. They need no test
// runner, so the kernel's own tests use them too (the test kit, which depends on the kernel, cannot be).
export * from './databases.ts';
export * from './free-port.ts';
export * from './graphql-client.ts';
export * from './test-auth.ts';
export * from './until.ts';
export * from './standard-tree.ts';
export * from './ws-client.ts';
