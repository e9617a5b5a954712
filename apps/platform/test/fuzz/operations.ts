import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Supergraph } from '@apollo/federation-internals';
import fc from 'fast-check';
import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';
import { gatewayReadableSupergraph } from '@platform/gateway';
import { ERROR_CODES } from '@platform/kernel';

/**
 * Operations generated from the composed supergraph (schema/supergraph.graphql): the API schema as
 * the gateway serves it (federation-internals' apiSchema(), what ApolloGateway exposes), and each
 * subgraph's own schema for calls straight to a subgraph.
 */
const SUPERGRAPH_PATH = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../schema/supergraph.graphql');
const supergraph = Supergraph.build(gatewayReadableSupergraph(readFileSync(SUPERGRAPH_PATH, 'utf8')));
export const apiSchema: GraphQLSchema = supergraph.apiSchema().toGraphQLJSSchema();
export const subgraphSchemas: ReadonlyMap<string, GraphQLSchema> = new Map(
  [...supergraph.subgraphs()].map((s) => [s.name, s.schema.toGraphQLJSSchema()] as const),
);

/**
 * The codes a client may see (decided for issue 14): DESIGN §4's closed set, plus the codes the
 * GraphQL layer gives a malformed operation (unparsable, invalid against the schema, a bad request
 * shape or variables, persisted-query handshakes). Never INTERNAL_SERVER_ERROR, never no code.
 */
export const ALLOWED_CODES: ReadonlySet<string> = new Set([
  ...ERROR_CODES,
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_REQUEST',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
]);

/** What must never reach a client. */
export const LEAK_PATTERNS = [
  /postgres(ql)?:\/\//i,
  /https?:\/\/(127\.0\.0\.1|localhost)/,
  /\(\S+\.[jt]s:\d+:\d+\)/,
  /\bat file:/,
  /"stacktrace"/,
  /ECONNREFUSED/,
  /\bsyntax error at or near\b/i,
  /\brelation "\w+"/,
];

export const MALFORMED_IDS = [
  '',
  'x',
  'not-a-uuid',
  '1',
  '-1',
  "' OR 1=1 --",
  '01935c00-0000-7000-8000-00000000010',
  '01935c00-0000-7000-8000-0000000001010',
  'zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz',
  '{}',
  '\u0000',
  '٣٣٣',
  'ＡＢＣ',
];
const MALFORMED_DATES = [
  'nope',
  '',
  '2026-13-45T00:00:00Z',
  '2026-01-31',
  '2026-01-31T10:00:00',
  '99999-01-01T00:00:00Z',
  '0000-00-00T00:00:00Z',
  '2026-02-30T25:61:00+99:99',
  '1e3',
  'NaN',
];
const MONEYISH = [
  '0',
  '-0',
  '-1',
  '0.001',
  '1e3',
  '1e309',
  'NaN',
  'Infinity',
  '12,50',
  ' 10 ',
  '99999999999999999999999999',
  '-99999999999999999999.99',
  '10.00',
  '0.1',
  '1.',
  '.5',
  '+5',
];
const HOSTILE_STRINGS = [
  '',
  ' ',
  'a'.repeat(10_000),
  '\u0000\u0001\u0007\u001b[31m',
  '\n\r\t',
  'Ω≈ç√∫˜µ≤≥÷',
  '🦓🦒🐘'.repeat(50),
  '\u202e\u200b\ufeff',
  "'; DROP TABLE users; --",
  '%s%n%x',
  '${jndi:ldap://x}',
  '<script>alert(1)</script>',
  'null',
  'undefined',
  '__proto__',
  'ZAR',
  'USD',
  'UBUNTU_64',
  'demo-password-2026',
  'admin@protea.example',
];
const HOSTILE_INTS = [0, -1, 1, 2, 10, 100, 101, 1000, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), 2 ** 53, 2 ** 53 + 2, -(2 ** 53)];

/** A value generator for one run: `fc.gen()` drives every choice, so a seed replays the whole run. */
export type Gen = fc.GeneratorValue;

export interface Ids {
  readonly organizations: readonly string[];
  readonly users: readonly string[];
  readonly other: readonly string[];
}

const pick = <T>(g: Gen, values: readonly T[]): T => values[g(fc.integer, { min: 0, max: values.length - 1 })] as T;
const chance = (g: Gen, percent: number): boolean => g(fc.integer, { min: 0, max: 99 }) < percent;

/** A value as JSON (for variables) and as a GraphQL literal (inline); `literal` may hold values JSON cannot. */
interface Value {
  readonly json: unknown;
  readonly literal: string;
}

const str = (s: string): Value => ({ json: s, literal: JSON.stringify(s) });
const num = (n: number | bigint, literal = String(n)): Value => ({ json: typeof n === 'bigint' ? Number(n) : n, literal });

function scalarValue(g: Gen, name: string, ids: Ids): Value {
  switch (name) {
    case 'ID': {
      const kind = g(fc.integer, { min: 0, max: 9 });
      if (kind < 3) return str(pick(g, MALFORMED_IDS));
      if (kind < 5) return str(g(fc.uuid, {}));
      if (kind < 8) return str(pick(g, ids.organizations));
      if (kind < 9) return str(pick(g, ids.users));
      return str(ids.other.length > 0 ? pick(g, ids.other) : g(fc.uuid, {}));
    }
    case 'Int': {
      const kind = g(fc.integer, { min: 0, max: 9 });
      if (kind < 6) return num(pick(g, HOSTILE_INTS));
      if (kind < 8) return num(g(fc.integer, { min: -5, max: 200 }));
      const huge = pick(g, ['99999999999999999999999', '-99999999999999999999999', '1' + '0'.repeat(400)]);
      return { json: Number(huge), literal: huge };
    }
    case 'Float': {
      const huge = pick(g, ['1e400', '-1e400', '0.0', '-0.0', '3.14', '1e-400', '123456789012345678901234567890.5']);
      return { json: Number(huge) === Infinity || Number(huge) === -Infinity ? 1.7976931348623157e308 : Number(huge), literal: huge };
    }
    case 'Boolean':
      return chance(g, 50) ? { json: true, literal: 'true' } : { json: false, literal: 'false' };
    case 'DateTime': {
      if (chance(g, 50)) return str(pick(g, MALFORMED_DATES));
      const d = new Date(g(fc.integer, { min: -62_000_000_000_000, max: 253_000_000_000_000 }));
      return str(chance(g, 70) ? d.toISOString() : d.toISOString().replace('Z', '+02:00'));
    }
    default: {
      // String and anything unknown (_Any, _FieldSet): hostile text, money-like and date-like strings.
      const kind = g(fc.integer, { min: 0, max: 9 });
      if (kind < 3) return str(pick(g, HOSTILE_STRINGS));
      if (kind < 5) return str(pick(g, MONEYISH));
      if (kind < 6) return str(pick(g, MALFORMED_DATES));
      if (kind < 8) return str(g(fc.string, { unit: 'grapheme', maxLength: 40 }));
      return str(g(fc.string, { unit: 'binary', maxLength: 20 }));
    }
  }
}

/** A value for an input type: mostly well-shaped with hostile leaves, sometimes null or an empty list. */
export function inputValue(g: Gen, type: GraphQLInputType, ids: Ids, depth = 0): Value {
  if (isNonNullType(type)) {
    if (chance(g, 2)) return { json: null, literal: 'null' };
    return inputValue(g, type.ofType, ids, depth);
  }
  if (chance(g, 8)) return { json: null, literal: 'null' };
  if (isListType(type)) {
    const n = depth > 2 ? 0 : g(fc.integer, { min: 0, max: 3 });
    const items = Array.from({ length: n }, () => inputValue(g, type.ofType, ids, depth + 1));
    return { json: items.map((i) => i.json), literal: `[${items.map((i) => i.literal).join(', ')}]` };
  }
  if (isInputObjectType(type)) {
    const fields = Object.values(type.getFields()).filter((f) => isNonNullType(f.type) || (depth < 3 && chance(g, 50)));
    const entries = fields.map((f) => [f.name, inputValue(g, f.type, ids, depth + 1)] as const);
    return {
      json: Object.fromEntries(entries.map(([k, v]) => [k, v.json])),
      literal: `{${entries.map(([k, v]) => `${k}: ${v.literal}`).join(', ')}}`,
    };
  }
  if (isEnumType(type)) {
    const values = type.getValues().map((v) => v.name);
    const value = chance(g, 5) ? 'NOT_A_VALUE' : pick(g, values);
    return { json: value, literal: value };
  }
  if (isScalarType(type) && type.name === '_Any' && chance(g, 70)) {
    // An entity representation: a known type with a hostile key (straight-to-subgraph calls only).
    const typename = pick(g, ENTITY_TYPES);
    const id = scalarValue(g, 'ID', ids);
    return { json: { __typename: typename, id: id.json }, literal: `{__typename: ${JSON.stringify(typename)}, id: ${id.literal}}` };
  }
  return scalarValue(g, isScalarType(type) ? type.name : 'String', ids);
}

const ENTITY_TYPES = ['Organization', 'User', 'Wallet', 'Product', 'VirtualMachine', 'Quote', 'Membership', 'Category', 'NotAType'];

export interface GeneratedOperation {
  readonly query: string;
  readonly variables: Record<string, unknown>;
}

const PASS_THROUGH_ROOT = new Set(['_service']);

/** One operation (query or mutation) of 1–3 root fields with hostile arguments, inline or as variables. */
export function generateOperation(g: Gen, schema: GraphQLSchema, ids: Ids): GeneratedOperation {
  const mutation = schema.getMutationType();
  const isMutation = mutation !== null && mutation !== undefined && chance(g, 30);
  const root = (isMutation ? mutation : schema.getQueryType()) as GraphQLObjectType;
  const fields = Object.values(root.getFields()).filter((f) => !PASS_THROUGH_ROOT.has(f.name));
  const variableDefs: string[] = [];
  const variables: Record<string, unknown> = {};
  const args = (field: GraphQLField<unknown, unknown>): string => {
    const chosen = field.args.filter((a: GraphQLArgument) => isNonNullType(a.type) || chance(g, 50));
    if (chosen.length === 0) return '';
    const parts = chosen.map((a) => {
      const value = inputValue(g, a.type, ids);
      if (chance(g, 50)) return `${a.name}: ${value.literal}`;
      const name = `v${variableDefs.length}`;
      variableDefs.push(`$${name}: ${String(a.type)}`);
      variables[name] = value.json;
      return `${a.name}: $${name}`;
    });
    return `(${parts.join(', ')})`;
  };
  const selection = (type: GraphQLObjectType, depth: number): string => {
    const all = Object.values(type.getFields());
    const leaves = all.filter((f) => isLeafType(getNamedType(f.type)));
    const objects = all.filter((f) => !isLeafType(getNamedType(f.type)));
    const picked: string[] = [];
    const n = g(fc.integer, { min: 1, max: 4 });
    for (let i = 0; i < n; i++) {
      const useObject = depth < 3 && objects.length > 0 && (leaves.length === 0 || chance(g, 40));
      const field = useObject ? pick(g, objects) : leaves.length > 0 ? pick(g, leaves) : undefined;
      if (!field) break;
      const alias = picked.some((p) => p.startsWith(`${field.name}`) || p.includes(`: ${field.name}`)) ? `a${i}: ` : '';
      picked.push(`${alias}${field.name}${args(field)}${subselection(field, depth + 1)}`);
    }
    return picked.length > 0 ? picked.join(' ') : '__typename';
  };
  const subselection = (field: GraphQLField<unknown, unknown>, depth: number): string => {
    const named = getNamedType(field.type);
    if (isLeafType(named)) return '';
    if (isObjectType(named)) return ` { ${selection(named, depth)} }`;
    // Interfaces and unions: __typename plus one concrete type's leaves.
    const possible = schema.getPossibleTypes(named as Parameters<GraphQLSchema['getPossibleTypes']>[0]);
    const concrete = possible.length > 0 ? pick(g, possible) : undefined;
    return concrete ? ` { __typename ... on ${concrete.name} { ${selection(concrete, depth)} } }` : ' { __typename }';
  };
  const count = g(fc.integer, { min: 1, max: isMutation ? 1 : 3 });
  const roots: string[] = [];
  for (let i = 0; i < count; i++) {
    const field = pick(g, fields);
    roots.push(`r${i}: ${field.name}${args(field)}${subselection(field, 1)}`);
  }
  const header = `${isMutation ? 'mutation' : 'query'} Fuzz${variableDefs.length > 0 ? `(${variableDefs.join(', ')})` : ''}`;
  return { query: `${header} { ${roots.join(' ')} }`, variables };
}

/** A minimal well-formed value for an input type (required fields only), for targeted regression operations. */
export function validValue(type: GraphQLInputType, ids: Ids): unknown {
  if (isNonNullType(type)) return validValue(type.ofType, ids);
  if (isListType(type)) return [validValue(type.ofType, ids)];
  if (isInputObjectType(type)) {
    return Object.fromEntries(
      Object.values(type.getFields())
        .filter((f) => isNonNullType(f.type))
        .map((f) => [f.name, validValue(f.type, ids)]),
    );
  }
  if (isEnumType(type)) return type.getValues()[0]?.name;
  switch (isScalarType(type) ? type.name : '') {
    case 'ID':
      return ids.organizations[0];
    case 'Int':
      return 1;
    case 'Float':
      return 1.5;
    case 'Boolean':
      return false;
    case 'DateTime':
      return '2026-01-31T10:00:00Z';
    default:
      return 'x';
  }
}

/** The smallest selection on a field's type: `__typename`, or nothing for a leaf. */
export function minimalSelection(field: GraphQLField<unknown, unknown>): string {
  return isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
}
