import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from './logger.ts';

/** The closed set of error codes a client may see (DESIGN §4). */
export const ERROR_CODES = [
  'BAD_USER_INPUT',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'INSUFFICIENT_FUNDS',
  'INVALID_STATE',
  'RATE_LIMITED',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/** Codes graphql-js / Apollo produce for malformed operations: safe to show as they are. */
const OPERATION_CODES = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
]);
const PUBLIC_CODES = new Set<string>([...ERROR_CODES, ...OPERATION_CODES]);

/**
 * The one way to raise an expected error. `extensions` carry machine-readable detail (field, limits).
 * Errors from resolvers keep HTTP 200 (other fields may still have data, and the gateway must see
 * the error itself, not a bare status); pass `httpStatus` only for request-level failures.
 */
export function fail(code: ErrorCode, message: string, extensions: Record<string, unknown> = {}, httpStatus?: number): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code, ...extensions, ...(httpStatus ? { http: { status: httpStatus } } : {}) },
  });
}

/** Bad input, rejected before anything is written; names the offending field. */
export function badInput(field: string, message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return fail('BAD_USER_INPUT', `${field}: ${message}`, { field, ...extensions });
}

export function isPublicError(code: unknown): boolean {
  return typeof code === 'string' && PUBLIC_CODES.has(code);
}

/**
 * Masks everything that is not an expected error: "Internal error" plus the request id, with
 * the cause logged. Never lets a stack trace, SQL or internal URL reach a client.
 */
export function maskError(formatted: GraphQLFormattedError, original: unknown, logger: Logger, requestId: string | undefined): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (isPublicError(code)) {
    const { stacktrace: _s, exception: _e, http: _h, ...rest } = (formatted.extensions ?? {}) as Record<string, unknown>;
    return { ...formatted, extensions: rest };
  }
  logger.error('masked error', { requestId, error: unwrap(original), path: formatted.path });
  return {
    message: requestId ? `Internal error (request ${requestId})` : 'Internal error',
    ...(formatted.path ? { path: formatted.path } : {}),
    extensions: { code: 'INTERNAL_SERVER_ERROR', ...(requestId ? { requestId } : {}) },
  };
}

function unwrap(error: unknown): unknown {
  if (error instanceof GraphQLError && error.originalError) return error.originalError;
  return error;
}

/**
 * Domains name the fields of the command they were given ("amount"); clients need the path in their
 * operation ("input.amount"). A resolver runs the domain under its argument's name and the error's
 * `field` (and the message that starts with it) come out as the client wrote them.
 */
export async function fieldsUnder<T>(argument: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const field = error instanceof GraphQLError ? error.extensions['field'] : undefined;
    if (!(error instanceof GraphQLError) || typeof field !== 'string' || field === argument || field.startsWith(`${argument}.`)) throw error;
    const path = `${argument}.${field}`;
    const message = error.message.startsWith(`${field}:`) ? path + error.message.slice(field.length) : error.message;
    throw new GraphQLError(message, { extensions: { ...error.extensions, field: path } });
  }
}
