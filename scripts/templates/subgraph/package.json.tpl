{
  "name": "@platform/{{name}}",
  "private": true,
  "version": "0.1.0",
  "type": "module",
  "exports": {
    ".": "./src/index.ts"
  },
  "scripts": {
    "typecheck": "tsc -p tsconfig.json"
  },
  "dependencies": {
    "@apollo/subgraph": "^2.14.4",
    "@platform/events": "*",
    "@platform/kernel": "*",
    "graphql": "^16.11.0",
    "kysely": "~0.28.18"
  },
  "devDependencies": {
    "@platform/testkit": "*",
    "@types/node": "^20.19.0",
    "typescript": "~5.9.3",
    "vitest": "^4.1.12"
  }
}
