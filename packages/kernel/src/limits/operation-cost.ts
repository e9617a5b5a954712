import {
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export interface CostOptions {
  readonly operationName?: string | null | undefined;
  readonly variables: Readonly<Record<string, unknown>>;
  /** Items assumed for a list nobody sized: a plain list field, or a connection without `first`. */
  readonly defaultListSize: number;
}

/** Arguments that size a list: `first`/`last` on a connection, `representations` on `_entities`. */
const SIZE_ARGUMENTS = ['first', 'last'];

/**
 * The number of objects an operation may return, at worst: every object-typed field costs 1 for each
 * time it can appear, and a field with `first: n` multiplies what is under it by n (its `edges`/`nodes`
 * are those n, not n more). A list nobody sized counts `defaultListSize`; scalars are free. Fragments
 * are expanded; all branches of an abstract type are counted (the worst case); introspection is free.
 */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, options: CostOptions): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION && (!options.operationName || definition.name?.value === options.operationName)) {
      operation ??= definition;
    }
  }
  if (!operation) return 0;
  const root = schema.getRootType(operation.operation);
  if (!root) return 0;
  const variables = { ...defaultsOf(operation), ...options.variables };

  const sizeOf = (field: FieldNode): number | undefined => {
    for (const argument of field.arguments ?? []) {
      const value = valueFromASTUntyped(argument.value, variables);
      if (SIZE_ARGUMENTS.includes(argument.name.value)) return typeof value === 'number' && value >= 0 ? value : options.defaultListSize;
      if (argument.name.value === 'representations' && Array.isArray(value)) return value.length;
    }
    return undefined;
  };

  const costOf = (selectionSet: SelectionSetNode, type: GraphQLCompositeType, multiplier: number, sizedParent: boolean, seen: Set<string>): number => {
    let cost = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (!fragment || seen.has(fragment.name.value)) continue;
        const on = schema.getType(fragment.typeCondition.name.value);
        if (isCompositeType(on)) cost += costOf(fragment.selectionSet, on, multiplier, sizedParent, new Set([...seen, fragment.name.value]));
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        const on = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
        if (isCompositeType(on)) cost += costOf(selection.selectionSet, on, multiplier, sizedParent, seen);
        continue;
      }
      const name = selection.name.value;
      if (name.startsWith('__')) continue; // __typename is a scalar; __schema/__type are introspection
      const definition = isObjectType(type) || isInterfaceType(type) ? type.getFields()[name] : undefined;
      if (!definition || !selection.selectionSet) continue;
      const named = getNamedType(definition.type);
      if (!isCompositeType(named)) continue;
      const size = sizeOf(selection);
      const isList = isListType(getNullableType(definition.type));
      // A sized field (a connection) is one object whose children are `size` each; an unsized list is
      // `defaultListSize` objects, unless it is the edges/nodes of a connection sized just above.
      const own = size !== undefined && !isList ? multiplier : multiplier * (isList ? (size ?? (sizedParent ? 1 : options.defaultListSize)) : 1);
      const below = size !== undefined && !isList ? multiplier * size : own;
      cost += own + costOf(selection.selectionSet, named, below, size !== undefined && !isList, seen);
    }
    return cost;
  };

  return costOf(operation.selectionSet, root, 1, false, new Set());
}

function defaultsOf(operation: OperationDefinitionNode): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const definition of operation.variableDefinitions ?? []) {
    if (definition.defaultValue) defaults[definition.variable.name.value] = valueFromASTUntyped(definition.defaultValue);
  }
  return defaults;
}
