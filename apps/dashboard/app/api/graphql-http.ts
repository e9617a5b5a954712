import type { TypedDocumentString } from '../__generated__/graphql';
import { ApiError, apiErrorOf } from './errors';

/** The public supergraph, on the same origin as the dashboard (the gateway serves both). */
export const GRAPHQL_PATH = '/graphql';

export interface GraphQLResult<R> {
  readonly data: R;
  /** Errors beside partial data (a subgraph down, a field refused): the page shows them, and the null fields as missing. */
  readonly errors: readonly ApiError[];
}

/** One GraphQL request over HTTP: data (perhaps partial, with its errors), or an ApiError when there is none. */
export async function postGraphQL<R, V>(document: TypedDocumentString<R, V>, variables: V, token?: string): Promise<GraphQLResult<R>> {
  let response: Response;
  try {
    response = await fetch(GRAPHQL_PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
  } catch {
    throw new ApiError('The API could not be reached. Check the connection and retry.', 'NETWORK_ERROR');
  }
  let body: { data?: R | null; errors?: { message: string; extensions?: { code?: string } }[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new ApiError(`The API answered ${response.status} without JSON.`, `HTTP_${response.status}`);
  }
  if (body.data == null) {
    if (body.errors?.length) throw apiErrorOf(body.errors);
    throw new ApiError(`The API answered ${response.status} with no data.`, `HTTP_${response.status}`);
  }
  return { data: body.data, errors: (body.errors ?? []).map((error) => apiErrorOf([error])) };
}
