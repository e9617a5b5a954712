import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { describe, expect, test } from 'vitest';
import { typeDefs } from '../src/schema.ts';

// The catalog SDL composes into a supergraph (here with a stand-in for tenancy, which owns Organization),
// and the service-only lookup stays out of the public API schema.

const tenancyStandIn = parse(`
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])
  type Organization @key(fields: "id") { id: ID! name: String! }
  type Query { organization(id: ID!): Organization }
`);

describe('federation', () => {
  const result = composeServices([
    { name: 'tenancy', url: 'http://tenancy/graphql', typeDefs: tenancyStandIn },
    { name: 'catalog', url: 'http://catalog/graphql', typeDefs },
  ]);

  test('composes without errors', () => {
    expect(result.errors ?? []).toEqual([]);
  });

  test('internalPrices and its types are @inaccessible: absent from the API schema', () => {
    // Inspected through composition's own schema model (printing it would mix two graphql module copies under vitest).
    const api = result.schema!.toAPISchema();
    const query = api.schemaDefinition.rootType('query')!;
    expect(query.field('internalPrices')).toBeUndefined();
    expect(api.type('PriceRequest')).toBeUndefined();
    expect(api.type('InternalPrice')).toBeUndefined();
    expect(
      query
        .field('priceVirtualMachine')
        ?.arguments()
        .map((a) => a.name),
    ).toEqual(['spec', 'at']);
    expect(api.type('Quote')).toBeDefined();
  });
});
