import type { RemoteGraphQLDataSource } from '@apollo/gateway';
import {
  GraphQLError,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  parse,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type ASTNode,
  type DocumentNode,
  type FieldNode,
  type GraphQLFormattedError,
  type GraphQLInputType,
  type GraphQLScalarType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';
import { DateTimeScalar, ERROR_CODES, isPublicError } from '@platform/kernel';

/**
 * A subgraph that refuses a whole operation (HTTP 4xx with GraphQL errors: a custom scalar it could
 * not coerce, a variable of the wrong shape, a limit) has run nothing. Apollo's data source turns
 * that into a bare "400: Bad Request" error, which the gateway would mask as an internal one. Here the
 * refusal becomes what the client should see: BAD_USER_INPUT naming the argument, at the path of the
 * client's own field; for a query, the fetch is sent again without the refused fields, so the rest of
 * the operation is still answered. A refused mutation runs nothing (its fields are only reported).
 */

/** A subgraph's refusal: the status and the GraphQL errors of its body. */
export interface Refusal {
  readonly status: number;
  readonly errors: readonly GraphQLFormattedError[];
}

type GatewayGraphQLResponse = Awaited<ReturnType<RemoteGraphQLDataSource['process']>>;

const DOMAIN_CODES = new Set<string>(ERROR_CODES);

/** Scalars whose coercion the gateway can repeat, to tell which of several literals a subgraph refused. */
const KNOWN_SCALARS: Readonly<Record<string, GraphQLScalarType>> = { DateTime: DateTimeScalar as unknown as GraphQLScalarType };

/** How many times a query is sent again without the fields refused so far (each round removes at least one). */
const MAX_RESENDS = 4;

/**
 * The refusal inside an error thrown by RemoteGraphQLDataSource for a non-2xx answer, if it is one: a
 * 4xx (other than 401/403, which Apollo already maps to UNAUTHENTICATED/FORBIDDEN with a bare message)
 * whose body is GraphQL errors that all carry a public code. A subgraph masks everything else itself,
 * so an error without a public code is a fault (or not our subgraph) and stays internal.
 */
export function refusalOf(error: unknown): Refusal | undefined {
  if (!(error instanceof GraphQLError)) return undefined;
  const response = error.extensions['response'] as { status?: unknown; body?: unknown } | undefined;
  const status = typeof response?.status === 'number' ? response.status : 0;
  if (status < 400 || status > 499 || status === 401 || status === 403) return undefined;
  const body = response?.body as { errors?: unknown } | undefined;
  const errors = typeof body === 'object' && body !== null && Array.isArray(body.errors) ? (body.errors as unknown[]) : [];
  if (errors.length === 0) return undefined;
  const refused = errors.filter(
    (e): e is GraphQLFormattedError =>
      typeof e === 'object' &&
      e !== null &&
      typeof (e as { message?: unknown }).message === 'string' &&
      isPublicError((e as GraphQLFormattedError).extensions?.['code']),
  );
  if (refused.length !== errors.length || refused.some((e) => LEAKY.test(e.message))) return undefined;
  return { status, errors: refused };
}

/** What a refusal's message must never carry (DESIGN §4): URLs, stack frames, SQL. Such a refusal is treated as a fault. */
const LEAKY = /:\/\/|\(\S+:\d+:\d+\)|\bat file:|\b(select|insert|update|delete)\b.+\b(from|into|set)\b|ECONN/i;

/** One refused argument: where it sits in the subgraph operation and how the client would name it. */
interface Culprit {
  /** Response keys from the operation root to the field carrying the argument (inline fragments skipped). */
  readonly fieldPath: readonly string[];
  /** The argument, and inside an input object the field: `input.startsAt`. */
  readonly argument: string;
}

export interface RefusalRequest {
  readonly query: string;
  readonly variables: Readonly<Record<string, unknown>>;
  /** The API schema the client's operation was validated against. */
  readonly schema: GraphQLSchema | undefined;
}

type Send = (query: string, variables: Record<string, unknown>) => Promise<GatewayGraphQLResponse>;

/**
 * Turns a refusal into a response the query plan can merge: errors with client paths and codes, and
 * for a query the data of everything the subgraph accepts once the refused fields are left out.
 */
export async function answerRefusal(request: RefusalRequest, first: Refusal, send: Send): Promise<GatewayGraphQLResponse> {
  let document: DocumentNode;
  try {
    document = parse(request.query);
  } catch {
    return { errors: first.errors.map((e) => publicError(e, undefined, undefined)) };
  }
  const operation = document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const found: { error: GraphQLFormattedError; culprit: Culprit | undefined }[] = [];
  const report = (refusal: Refusal, doc: DocumentNode, query: string): Culprit[] => {
    const all: Culprit[] = [];
    for (const error of refusal.errors) {
      const culprits = culpritsOf(error, doc, query, request);
      all.push(...culprits);
      if (culprits.length === 0) found.push({ error, culprit: undefined });
      for (const culprit of dedupe(culprits)) found.push({ error, culprit });
    }
    return all;
  };
  // Paths follow the data the subgraph did return (the first list item), else stop at the root field.
  const finish = (response: GatewayGraphQLResponse | undefined): GatewayGraphQLResponse => {
    const errors = found.map(({ error, culprit }) => publicError(error, culprit, culprit && clientPath(culprit, response?.data)));
    return response ? { ...response, errors: [...errors, ...(response.errors ?? [])] } : { errors };
  };

  let culprits = report(first, document, request.query);
  if (!operation || operation.operation !== 'query' || culprits.length === 0) return finish(undefined);

  let current = document;
  for (let round = 0; round < MAX_RESENDS; round++) {
    const pruned = withoutFields(
      current,
      culprits.map((c) => c.fieldPath),
    );
    if (!pruned) return finish(undefined);
    current = pruned;
    const query = print(current);
    const variables = usedVariables(current, request.variables);
    try {
      return finish(await send(query, variables));
    } catch (error) {
      const again = refusalOf(error);
      if (!again) throw error;
      culprits = report(again, current, query);
      if (culprits.length === 0) return finish(undefined);
    }
  }
  return finish(undefined);
}

/** The error as the client sees it: a public code, the argument named, subgraph-relative locations dropped. */
function publicError(error: GraphQLFormattedError, culprit: Culprit | undefined, path: (string | number)[] | undefined): GraphQLFormattedError {
  const extensions = (error.extensions ?? {}) as Record<string, unknown>;
  const original = typeof extensions['code'] === 'string' ? extensions['code'] : undefined;
  const code = original && DOMAIN_CODES.has(original) ? original : 'BAD_USER_INPUT';
  const variable = /^Variable "\$([^"]+)" got invalid value/.exec(error.message)?.[1];
  const detail = detailOf(error.message, typeof extensions['field'] === 'string' ? extensions['field'] : undefined);
  const message = culprit ? `${culprit.argument}: ${detail}` : error.message;
  const kept: Record<string, unknown> = {};
  for (const key of ['retryAfter', 'limit', 'max', 'min']) if (key in extensions) kept[key] = extensions[key];
  return {
    message,
    ...(path ? { path } : {}),
    extensions: {
      ...kept,
      code,
      ...(culprit ? { field: culprit.argument } : typeof extensions['field'] === 'string' ? { field: extensions['field'] } : {}),
      ...(variable ? { variable } : {}),
    },
  };
}

/** "Variable "$at" got invalid value "x"; DateTime: must be …" → "must be …" (the part a person acts on). */
function detailOf(message: string, field: string | undefined): string {
  let detail = message;
  const afterVariable = /^Variable "\$[^"]+" got invalid value [\s\S]*?; ([\s\S]*)$/.exec(detail);
  if (afterVariable?.[1]) detail = afterVariable[1];
  const afterExpected = /^Expected value of type "[^"]+", found [\s\S]*?; ([\s\S]*)$/.exec(detail);
  if (afterExpected?.[1]) detail = afterExpected[1];
  if (field && detail.startsWith(`${field}: `)) detail = detail.slice(field.length + 2);
  return detail;
}

/**
 * The culprit's field in the subgraph's response, walked through the data it returned (first item of
 * each list): `products.edges.0.node.price`, or `_entities.0.price` (the query plan turns entity
 * indexes into the client's path). Where the data stops, so does the path; at least the root field.
 */
function clientPath(culprit: Culprit, data: unknown): (string | number)[] {
  const [root] = culprit.fieldPath;
  if (root === undefined) return [];
  const path: (string | number)[] = [];
  let current: unknown = data;
  for (const key of culprit.fieldPath) {
    if (Array.isArray(current)) {
      if (current.length === 0) break;
      path.push(0);
      current = current[0];
    }
    path.push(key);
    current = typeof current === 'object' && current !== null ? (current as Record<string, unknown>)[key] : undefined;
    if (current === undefined || current === null) break;
  }
  if (root === '_entities' && path.length === 1) path.push(0);
  return path;
}

function dedupe(culprits: Culprit[]): Culprit[] {
  const seen = new Set<string>();
  return culprits.filter((c) => {
    const key = `${c.fieldPath.join('.')}|${c.argument}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Every argument value in the operation, with its field path, argument path and input type. */
interface ArgumentSite {
  readonly fieldPath: string[];
  readonly argument: ArgumentNode;
  readonly type: GraphQLInputType | undefined;
}

function argumentSites(document: DocumentNode, schema: GraphQLSchema | undefined): ArgumentSite[] {
  const sites: ArgumentSite[] = [];
  const fieldStack: string[] = [];
  const fragments = new Map(document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  const typeInfo = schema ? new TypeInfo(schema) : undefined;
  const visitor = {
    Field: {
      enter(node: FieldNode) {
        fieldStack.push(node.alias?.value ?? node.name.value);
      },
      leave() {
        fieldStack.pop();
      },
    },
    Argument(node: ArgumentNode) {
      sites.push({ fieldPath: [...fieldStack], argument: node, type: typeInfo?.getInputType() ?? undefined });
    },
  };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    visit(definition, typeInfo ? visitWithTypeInfo(typeInfo, visitor) : visitor);
  }
  // Fields inside named fragments: rare in query-plan fetches; their path is the fragment's own.
  for (const fragment of fragments.values()) visit(fragment, typeInfo ? visitWithTypeInfo(typeInfo, visitor) : visitor);
  return sites;
}

/** Which arguments a refusal error is about: by variable name, by the refused scalar type, or by location. */
function culpritsOf(error: GraphQLFormattedError, document: DocumentNode, query: string, request: RefusalRequest): Culprit[] {
  const sites = argumentSites(document, request.schema);
  const variable = /^Variable "\$([^"]+)" got invalid value/.exec(error.message)?.[1];
  if (variable) {
    const inner = /got invalid value [\s\S]*? at "([^"]+)"; /.exec(error.message)?.[1];
    const subPath = inner?.split('.').slice(1).join('.');
    return sites
      .filter((site) => usesVariable(site.argument.value, variable))
      .map((site) => ({
        fieldPath: site.fieldPath,
        argument: site.argument.value.kind === Kind.VARIABLE && subPath ? `${site.argument.name.value}.${subPath}` : site.argument.name.value,
      }));
  }
  const field = (error.extensions as Record<string, unknown> | undefined)?.['field'];
  const scalar = typeof field === 'string' ? request.schema?.getType(field) : undefined;
  if (scalar && typeof field === 'string') {
    const found: Culprit[] = [];
    for (const site of sites) {
      for (const literal of literalsOfType(site.argument.value, site.type, field, site.argument.name.value)) {
        const known = KNOWN_SCALARS[field];
        if (known && accepts(known, literal.value)) continue;
        found.push({ fieldPath: site.fieldPath, argument: literal.path });
      }
    }
    return found;
  }
  const location = error.locations?.[0];
  if (location) {
    const offset = offsetOf(query, location.line, location.column);
    const site = sites.find((s) => s.argument.loc && s.argument.loc.start <= offset && offset < s.argument.loc.end);
    if (site) return [{ fieldPath: site.fieldPath, argument: site.argument.name.value }];
  }
  // A request-level refusal (no location) that names an argument path, e.g. `input.text`: the field
  // carrying that argument, when exactly one does.
  if (typeof field === 'string') {
    const argument = field.split(/[.[]/)[0];
    const named = sites.filter((site) => site.argument.name.value === argument);
    if (named.length === 1 && named[0]) return [{ fieldPath: named[0].fieldPath, argument: field }];
  }
  return [];
}

function accepts(scalar: GraphQLScalarType, value: ValueNode): boolean {
  try {
    scalar.parseLiteral(value, undefined);
    return true;
  } catch {
    return false;
  }
}

function usesVariable(value: ValueNode, name: string): boolean {
  switch (value.kind) {
    case Kind.VARIABLE:
      return value.name.value === name;
    case Kind.LIST:
      return value.values.some((v) => usesVariable(v, name));
    case Kind.OBJECT:
      return value.fields.some((f) => usesVariable(f.value, name));
    default:
      return false;
  }
}

/** Literal values (not variables) of the named type inside an argument value, with their path (`input.startsAt`). */
function literalsOfType(value: ValueNode, type: GraphQLInputType | undefined, typeName: string, path: string): { value: ValueNode; path: string }[] {
  if (value.kind === Kind.VARIABLE || value.kind === Kind.NULL) return [];
  let named: GraphQLInputType | undefined = type;
  while (named && (isNonNullType(named) || isListType(named))) {
    if (isListType(named) && value.kind === Kind.LIST) {
      const item: GraphQLInputType = named.ofType;
      return value.values.flatMap((v) => literalsOfType(v, item, typeName, path));
    }
    named = named.ofType as GraphQLInputType;
  }
  if (!named) return value.kind === Kind.OBJECT || value.kind === Kind.LIST ? [] : [{ value, path }];
  if (isInputObjectType(named) && value.kind === Kind.OBJECT) {
    const fields = named.getFields();
    return value.fields.flatMap((f) => literalsOfType(f.value, fields[f.name.value]?.type, typeName, `${path}.${f.name.value}`));
  }
  if (value.kind === Kind.LIST) return value.values.flatMap((v) => literalsOfType(v, named, typeName, path));
  return named.name === typeName ? [{ value, path }] : [];
}

function offsetOf(text: string, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const next = text.indexOf('\n', offset);
    if (next < 0) break;
    offset = next + 1;
  }
  return offset + column - 1;
}

/**
 * The operation without the fields at these paths; selections left empty go too. Undefined when
 * nothing of the operation would be left to ask.
 */
function withoutFields(document: DocumentNode, paths: readonly (readonly string[])[]): DocumentNode | undefined {
  const doomed = new Set(paths.map((p) => p.join('\u0000')));
  const prune = (selectionSet: SelectionSetNode, prefix: string[]): SelectionSetNode | undefined => {
    const selections = selectionSet.selections.flatMap((selection): SelectionNode[] => {
      if (selection.kind === Kind.FIELD) {
        const path = [...prefix, selection.alias?.value ?? selection.name.value];
        if (doomed.has(path.join('\u0000'))) return [];
        if (!selection.selectionSet) return [selection];
        const inner = prune(selection.selectionSet, path);
        return inner ? [{ ...selection, selectionSet: inner }] : [];
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const inner = prune(selection.selectionSet, prefix);
        return inner ? [{ ...selection, selectionSet: inner }] : [];
      }
      return [selection];
    });
    const meaningful = selections.some((s) => !(s.kind === Kind.FIELD && s.name.value === '__typename'));
    return meaningful ? { ...selectionSet, selections } : undefined;
  };
  const definitions = [];
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) {
      definitions.push(definition);
      continue;
    }
    const selectionSet = prune(definition.selectionSet, []);
    if (!selectionSet) return undefined;
    definitions.push({ ...definition, selectionSet });
  }
  const pruned: DocumentNode = { ...document, definitions };
  return withoutUnusedVariables(pruned);
}

function variablesIn(node: ASTNode): Set<string> {
  const names = new Set<string>();
  visit(node, {
    VariableDefinition: () => false,
    Variable(v) {
      names.add(v.name.value);
    },
  });
  return names;
}

function withoutUnusedVariables(document: DocumentNode): DocumentNode {
  const used = variablesIn(document);
  return {
    ...document,
    definitions: document.definitions.map((d) =>
      d.kind === Kind.OPERATION_DEFINITION ? { ...d, variableDefinitions: (d.variableDefinitions ?? []).filter((v) => used.has(v.variable.name.value)) } : d,
    ),
  };
}

function usedVariables(document: DocumentNode, variables: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const used = variablesIn(document);
  return Object.fromEntries(Object.entries(variables).filter(([name]) => used.has(name)));
}
