import { GraphQLError, specifiedRules, validate, type DocumentNode, type GraphQLSchema, type ValidationRule } from 'graphql';

/**
 * The validation every gateway operation passes, over HTTP and over graphql-ws alike: graphql-js's
 * specified rules plus the gateway's own limits (`extraRules`; the operation-limits work adds its
 * rules here so both transports share them). Errors carry GRAPHQL_VALIDATION_FAILED, as over HTTP.
 */
export const gatewayValidationRules: ValidationRule[] = [];

export function validateGatewayOperation(schema: GraphQLSchema, document: DocumentNode, extraRules: readonly ValidationRule[] = []): GraphQLError[] {
  const errors = validate(schema, document, [...specifiedRules, ...gatewayValidationRules, ...extraRules], { maxErrors: 50 });
  return errors.map(
    (error) =>
      new GraphQLError(error.message, {
        nodes: error.nodes,
        source: error.source,
        positions: error.positions,
        path: error.path,
        originalError: error.originalError,
        extensions: { ...error.extensions, code: 'GRAPHQL_VALIDATION_FAILED' },
      }),
  );
}
