import { GraphQLUnionType, visit, type DocumentNode, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { badInput, fail } from '../errors.ts';

/**
 * `_entities` is reachable by anyone who can reach a subgraph. @apollo/subgraph throws a plain Error
 * for a representation that is not an object or names a type this subgraph does not own, which would
 * be masked as an internal error; a gateway never sends those, so they are bad input.
 * Wraps the resolver in place and returns the same schema.
 */
export function guardEntityRepresentations(schema: GraphQLSchema): GraphQLSchema {
  const field = schema.getQueryType()?.getFields()['_entities'];
  const union = schema.getType('_Entity');
  if (!field?.resolve || !(union instanceof GraphQLUnionType)) return schema;
  const owned = new Set(union.getTypes().map((type) => type.name));
  const resolve: GraphQLFieldResolver<unknown, unknown> = field.resolve;
  field.resolve = (source, args: { representations?: unknown }, context, info) => {
    const representations = Array.isArray(args.representations) ? args.representations : [];
    representations.forEach((representation: unknown, i) => {
      if (typeof representation !== 'object' || representation === null || Array.isArray(representation)) {
        throw badInput(`representations[${i}]`, 'must be an object with a __typename.');
      }
      const typename = (representation as { __typename?: unknown }).__typename;
      if (typeof typename !== 'string' || !owned.has(typename)) {
        throw badInput(`representations[${i}].__typename`, 'must name an entity this subgraph resolves.');
      }
    });
    return resolve(source, args, context, info);
  };
  return schema;
}

const NUL = '\u0000';

/** Where a NUL character sits in a JSON-like value (variables), as a path, or null. */
function pathOfNul(value: unknown, path: string): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? path : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i += 1) {
      const found = pathOfNul(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, inner] of Object.entries(value)) {
      if (key.includes(NUL)) return `${path}.${key.replaceAll(NUL, '\\u0000')}`;
      const found = pathOfNul(inner, `${path}.${key}`);
      if (found) return found;
    }
  }
  return null;
}

/**
 * The argument path at which a NUL character arrives, or null: in a string literal (the enclosing
 * argument), or in a variable (the argument the variable is passed to, plus the path inside it).
 */
function argumentWithNul(document: DocumentNode, variables: Record<string, unknown>): string | null {
  let found: string | null = null;
  const args: string[] = [];
  visit(document, {
    Argument: { enter: (node) => void args.push(node.name.value), leave: () => void args.pop() },
    ObjectField: { enter: (node) => void args.push(node.name.value), leave: () => void args.pop() },
    StringValue(node) {
      if (found === null && node.value.includes(NUL)) found = args.join('.') || 'argument';
    },
    Variable(node) {
      if (found !== null || args.length === 0) return; // a definition, not a use
      const inner = pathOfNul(variables[node.name.value], '');
      if (inner !== null) found = args.join('.') + inner;
    },
  });
  return found;
}

/**
 * PostgreSQL text cannot hold a NUL character, so a string that carries one would fail in SQL as an
 * internal error. No valid input contains one: refuse the whole request up front, naming where it is.
 */
export function nulCharacterGuard() {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document }: { request: { variables?: Record<string, unknown> }; document: DocumentNode }) {
          const variables = request.variables ?? {};
          const field = argumentWithNul(document, variables) ?? pathOfNul(variables, '')?.slice(1) ?? null;
          if (field !== null) {
            throw fail('BAD_USER_INPUT', `${field}: must not contain a NUL character.`, { field }, 400);
          }
        },
      };
    },
  };
}
