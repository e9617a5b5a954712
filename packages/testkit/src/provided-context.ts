// What the global setup hands every test file (vitest's provide/inject), typed once.
declare module 'vitest' {
  export interface ProvidedContext {
    adminDatabaseUrl: string;
  }
}

export {};
