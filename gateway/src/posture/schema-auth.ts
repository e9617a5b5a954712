import type { SupergraphSdlHook } from '@apollo/gateway';
import type { ApolloServerPlugin } from '@apollo/server';
import {
  getNamedType,
  Kind,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  valueFromASTUntyped,
  type ConstDirectiveNode,
  type DocumentNode,
  type GraphQLError,
  type GraphQLSchema,
} from 'graphql';
import { fail, scopesOfCaller } from '@platform/kernel';
import type { GatewayContext } from '../context.ts';

/**
 * Apollo Gateway refuses a supergraph that links a `for: SECURITY` feature it does not implement, and
 * it implements neither `authenticated` nor `requiresScopes` (the router does). The gateway enforces
 * them itself (schemaAuthPlugin), so their links lose the SECURITY purpose before the gateway reads the
 * file: the directives stay in the SDL, ignored by the query planner, read by readAuthRequirements.
 */
export function gatewayReadableSupergraph(supergraphSdl: string): string {
  return supergraphSdl.replace(/(@link\(url: "https:\/\/specs\.apollo\.dev\/(?:authenticated|requiresScopes)\/v[\d.]+"), for: SECURITY\)/g, '$1)');
}

/** A supergraph source whose SDL (first and every reload) goes through gatewayReadableSupergraph. */
export function securityLinksEnforcedHere(hook: SupergraphSdlHook): SupergraphSdlHook {
  return async (options) => {
    const result = await hook({ ...options, update: (sdl) => options.update(gatewayReadableSupergraph(sdl)) });
    return { ...result, supergraphSdl: gatewayReadableSupergraph(result.supergraphSdl) };
  };
}

/** What the supergraph asks of a caller for one field or type: `@authenticated`, `@requiresScopes` (any one set, all of its scopes). */
export interface AuthRequirement {
  readonly authenticated: boolean;
  readonly scopes: readonly (readonly string[])[] | null;
}

/**
 * Reads `@authenticated` and `@requiresScopes` (federation 2.5+, composed into the supergraph under
 * these names) from the supergraph SDL: keys are `Type.field` for fields and `Type` for types.
 */
export function readAuthRequirements(supergraphSdl: string): ReadonlyMap<string, AuthRequirement> {
  const requirements = new Map<string, AuthRequirement>();
  const record = (key: string, directives: readonly ConstDirectiveNode[] | undefined) => {
    let authenticated = false;
    let scopes: string[][] | null = null;
    for (const directive of directives ?? []) {
      if (directive.name.value === 'authenticated') authenticated = true;
      if (directive.name.value === 'requiresScopes') {
        const argument = directive.arguments?.find((a) => a.name.value === 'scopes');
        const value = argument ? valueFromASTUntyped(argument.value) : null;
        if (Array.isArray(value)) scopes = [...(scopes ?? []), ...value.filter(Array.isArray).map((set: unknown[]) => set.map(String))];
      }
    }
    if (authenticated || scopes) requirements.set(key, { authenticated: authenticated || scopes !== null, scopes });
  };
  for (const definition of parse(supergraphSdl).definitions) {
    if (
      definition.kind !== Kind.OBJECT_TYPE_DEFINITION &&
      definition.kind !== Kind.INTERFACE_TYPE_DEFINITION &&
      definition.kind !== Kind.OBJECT_TYPE_EXTENSION &&
      definition.kind !== Kind.INTERFACE_TYPE_EXTENSION
    ) {
      continue;
    }
    record(definition.name.value, definition.directives);
    for (const field of definition.fields ?? []) record(`${definition.name.value}.${field.name.value}`, field.directives);
  }
  return requirements;
}

/** The first field of the operation the caller may not have, with why; null when it may run. */
export function authRefusal(
  schema: GraphQLSchema,
  document: DocumentNode,
  requirements: ReadonlyMap<string, AuthRequirement>,
  caller: GatewayContext['caller'],
): { field: string; code: 'UNAUTHENTICATED' | 'FORBIDDEN'; required: readonly (readonly string[])[] | null } | null {
  if (requirements.size === 0) return null;
  const held = scopesOfCaller(caller);
  const typeInfo = new TypeInfo(schema);
  let refusal: ReturnType<typeof authRefusal> = null;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (refusal) return;
        const parent = typeInfo.getParentType();
        const definition = typeInfo.getFieldDef();
        if (!parent || !definition) return;
        const field = `${parent.name}.${node.name.value}`;
        for (const requirement of [requirements.get(field), requirements.get(getNamedType(definition.type).name)]) {
          if (!requirement) continue;
          if (caller.kind !== 'authenticated') {
            refusal = { field, code: 'UNAUTHENTICATED', required: requirement.scopes };
            return;
          }
          if (requirement.scopes && !requirement.scopes.some((set) => set.every((scope) => held.has(scope)))) {
            refusal = { field, code: 'FORBIDDEN', required: requirement.scopes };
            return;
          }
        }
      },
    }),
  );
  return refusal;
}

const describe = (sets: readonly (readonly string[])[]) => sets.map((set) => set.join(' and ')).join(', or ');

/**
 * `@authenticated` and `@requiresScopes` enforced at the gateway (Apollo Gateway composes them but does
 * not check them): the whole operation is refused before anything is planned, naming the field and the
 * scope. A user holds the scopes their role permits, an API key exactly its own (kernel scopesOfCaller).
 * One instance serves HTTP (`plugin()`) and graphql-ws (`refusal()`), with the loaded supergraph's rules.
 */
export class SchemaAuth {
  private requirements: ReadonlyMap<string, AuthRequirement> = new Map();

  update(coreSupergraphSdl: string | undefined): void {
    this.requirements = coreSupergraphSdl ? readAuthRequirements(coreSupergraphSdl) : new Map();
  }

  /** The error refusing `document` to `caller` (UNAUTHENTICATED 401 or FORBIDDEN 403), or null. */
  refusal(schema: GraphQLSchema, document: DocumentNode, caller: GatewayContext['caller']): GraphQLError | null {
    const refused = authRefusal(schema, document, this.requirements, caller);
    if (!refused) return null;
    const { field, code, required } = refused;
    if (code === 'UNAUTHENTICATED') {
      return fail('UNAUTHENTICATED', `${field} needs a signed-in caller: send an access token or API key.`, { field }, 401);
    }
    const who = caller.kind === 'authenticated' && caller.typ === 'api_key' ? 'this API key' : 'this caller';
    return fail('FORBIDDEN', `${field} needs the scope ${describe(required ?? [])}, which ${who} does not have.`, { field, requiredScopes: required }, 403);
  }

  plugin(): ApolloServerPlugin<GatewayContext> {
    return {
      serverWillStart: async () => ({
        schemaDidLoadOrUpdate: ({ coreSupergraphSdl }) => this.update(coreSupergraphSdl),
      }),
      requestDidStart: async () => ({
        didResolveOperation: async ({ schema, document, contextValue }) => {
          const refusal = this.refusal(schema, document, contextValue.caller);
          if (refusal) throw refusal;
        },
      }),
    };
  }
}
