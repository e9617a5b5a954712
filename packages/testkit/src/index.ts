export * from './free-port.ts';
export * from './graphql-client.ts';
export * from './test-database.ts';
export * from './test-auth.ts';
export * from './until.ts';
