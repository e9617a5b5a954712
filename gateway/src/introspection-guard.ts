import type { ApolloServerPlugin } from '@apollo/server';
import { BREAK, visit, type DocumentNode } from 'graphql';
import { fail } from '@platform/kernel';
import type { GatewayContext } from './context.ts';

/** True when the operation (fragments included) selects `__schema` or `__type`; `__typename` is ordinary. */
export function selectsIntrospection(document: DocumentNode): boolean {
  let found = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        found = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/**
 * In production, introspection is for signed-in callers (partners exploring with an API key), not
 * for anyone on the internet. Apollo's own switch is all-or-nothing, so the gateway leaves it on and
 * refuses anonymous introspection here, before anything is planned.
 */
export function introspectionGuard(production: boolean): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      if (!production) return;
      return {
        async didResolveOperation({ contextValue, document }) {
          if (contextValue.caller.kind === 'authenticated' || !selectsIntrospection(document)) return;
          throw fail('UNAUTHENTICATED', 'Introspection needs a signed-in caller; send an access token or API key.', {}, 401);
        },
      };
    },
  };
}
