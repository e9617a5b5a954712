/** An API error as the dashboard shows it: the server's message and its DESIGN code (or a transport reason). */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    /** The field path or request id, when the server gave one. */
    readonly detail?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

interface GraphQLErrorJson {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string; requestId?: string; field?: string };
}

/** The first GraphQL error of a response, with its code (the gateway masks internals as "Internal error" + request id). */
export function apiErrorOf(errors: readonly GraphQLErrorJson[]): ApiError {
  const first = errors[0];
  if (!first) return new ApiError('The API answered with no data.', 'NO_DATA');
  const detail = first.extensions?.requestId ? `request ${first.extensions.requestId}` : first.extensions?.field;
  return new ApiError(first.message, first.extensions?.code ?? 'GRAPHQL_ERROR', detail);
}

export function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof Error) return new ApiError(error.message, 'NETWORK_ERROR');
  return new ApiError(String(error), 'UNKNOWN');
}
