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

/** Whether a JSON-like value holds a NUL character anywhere (keys included): no paths built on the way. */
function hasNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes(NUL);
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) {
    for (const item of value) if (hasNul(item)) return true;
    return false;
  }
  for (const key of Object.keys(value)) {
    if (key.includes(NUL) || hasNul((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

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

/** Where a document can carry a NUL, in document order: a string literal, or a variable passed to an argument. */
type NulCheck = { readonly literal: string } | { readonly variable: string; readonly argument: string };

/**
 * The document's part of the check, worked out once per document: Apollo hands every request with
 * the same query the same parsed DocumentNode, so requests pay only for their variables.
 */
const checksOf = new WeakMap<DocumentNode, readonly NulCheck[]>();

function nulChecks(document: DocumentNode): readonly NulCheck[] {
  const cached = checksOf.get(document);
  if (cached) return cached;
  const checks: NulCheck[] = [];
  const args: string[] = [];
  visit(document, {
    Argument: { enter: (node) => void args.push(node.name.value), leave: () => void args.pop() },
    ObjectField: { enter: (node) => void args.push(node.name.value), leave: () => void args.pop() },
    StringValue(node) {
      if (node.value.includes(NUL)) checks.push({ literal: args.join('.') || 'argument' });
    },
    Variable(node) {
      if (args.length > 0) checks.push({ variable: node.name.value, argument: args.join('.') }); // a use, not a definition
    },
  });
  checksOf.set(document, checks);
  return checks;
}

/**
 * The argument path at which a NUL character arrives, or null: in a string literal (the enclosing
 * argument), or in a variable (the argument the variable is passed to, plus the path inside it).
 * The first in document order wins.
 */
function argumentWithNul(document: DocumentNode, variables: Record<string, unknown>): string | null {
  for (const check of nulChecks(document)) {
    if ('literal' in check) return check.literal;
    const inner = pathOfNul(variables[check.variable], '');
    if (inner !== null) return check.argument + inner;
  }
  return null;
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
          // Hot: every request's variables (a page of `_entities` representations) are walked. Paths are
          // worked out only when there is a NUL to name; no literal in the document and none in the variables is the common case.
          if (nulChecks(document).every((check) => !('literal' in check)) && !hasNul(variables)) return;
          const field = argumentWithNul(document, variables) ?? pathOfNul(variables, '')?.slice(1) ?? null;
          if (field !== null) {
            throw fail('BAD_USER_INPUT', `${field}: must not contain a NUL character.`, { field }, 400);
          }
        },
      };
    },
  };
}
