import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { GraphQLError, type DocumentNode, type GraphQLSchema, type ValidationContext, type ValidationRule } from 'graphql';
import { operationCost } from './operation-cost.ts';

/** The shape limits one GraphQL server puts on every operation (DESIGN §4 "Limits"). */
export interface OperationLimits {
  /** Nested selection levels, fragments expanded; introspection (`__schema`) is not counted. */
  readonly maxDepth: number;
  readonly maxAliases: number;
  readonly maxDirectives: number;
  /** Lexical tokens in the document; graphql-js stops parsing at the limit. */
  readonly maxTokens: number;
  /** Estimated objects returned: see operation-cost.ts. */
  readonly maxCost: number;
  /** Items assumed for a list the operation does not size with `first` (a plain list, or `first` omitted). */
  readonly defaultListSize: number;
}

/**
 * The gateway's limits: a dashboard's real operations (gateway/src/explorer/examples) pass, the
 * issue-13 query (organization → virtualMachines(first: 100) three times, 200,000 objects) does not.
 */
export const GATEWAY_OPERATION_LIMITS: OperationLimits = Object.freeze({
  maxDepth: 12,
  maxAliases: 15,
  maxDirectives: 20,
  maxTokens: 3_000,
  maxCost: 10_000,
  defaultListSize: 20,
});

/**
 * The second wall, in every subgraph: looser than the gateway's, since the gateway's query plans add
 * `_entities`, inline fragments, aliases and `__typename`s to what a client wrote, but still far below
 * what would let one request reach a subgraph directly and fetch a million rows.
 */
export const SUBGRAPH_OPERATION_LIMITS: OperationLimits = Object.freeze({
  maxDepth: 24,
  maxAliases: 60,
  maxDirectives: 60,
  maxTokens: 12_000,
  maxCost: 50_000,
  defaultListSize: 20,
});

export type LimitName = 'maxDepth' | 'maxAliases' | 'maxDirectives' | 'maxTokens' | 'maxCost';

/** A refusal: the message names the limit and its value; `extensions.limit`/`max` say it to machines. */
export function limitError(limit: LimitName, max: number, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'GRAPHQL_VALIDATION_FAILED', limit, max, ...extra, http: { status: 400 } } });
}

// graphql-armor's rules throw or report "Syntax Error: <what>"; ours report a clean message with the limit's name.
function armorRule(limit: LimitName, max: number, build: (options: object) => (context: ValidationContext) => object): ValidationRule {
  const onReject = (context: ValidationContext | null, error: GraphQLError) => {
    context?.reportError(limitError(limit, max, error.message.replace(/^Syntax Error: /, '')));
  };
  return build({ n: max, exposeLimits: true, propagateOnRejection: false, onReject: [onReject] }) as unknown as ValidationRule;
}

/** Validation rules for depth, aliases and directives (graphql-armor); tokens go to the parser, cost to costLimitPlugin. */
export function limitValidationRules(limits: OperationLimits): ValidationRule[] {
  return [
    armorRule('maxDepth', limits.maxDepth, (o) => maxDepthRule({ ...o, ignoreIntrospection: true })),
    armorRule('maxAliases', limits.maxAliases, (o) => maxAliasesRule(o)),
    armorRule('maxDirectives', limits.maxDirectives, (o) => maxDirectivesRule(o)),
  ];
}

/** graphql-js's own token limit ("Document contains more than N tokens"), for Apollo's `parseOptions`. */
export const limitParseOptions = (limits: OperationLimits) => ({ maxTokens: limits.maxTokens });

interface ResolvedRequest {
  readonly schema: GraphQLSchema;
  readonly document: DocumentNode;
  readonly operationName?: string | null;
  readonly request: { readonly variables?: Record<string, unknown> | null };
}

/** The cost refusal for an operation with its variables, or null when it is within the limit. */
export function costRefusal(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
  limits: OperationLimits,
): GraphQLError | null {
  const cost = operationCost(schema, document, { operationName, variables, defaultListSize: limits.defaultListSize });
  if (cost <= limits.maxCost) return null;
  return limitError(
    'maxCost',
    limits.maxCost,
    `Query cost limit of ${limits.maxCost} exceeded, found ${cost}: ask for fewer items (a smaller first) or fewer nested lists.`,
    { cost },
  );
}

/**
 * Refuses an operation whose estimated cost is over the limit, once it is valid and its variables are
 * known (a `first: $n` counts as the value sent), before anything is planned or executed.
 */
export function costLimitPlugin(limits: OperationLimits) {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request }: ResolvedRequest) {
          const refusal = costRefusal(schema, document, operationName, request.variables ?? {}, limits);
          if (refusal) throw refusal;
        },
      };
    },
  };
}
