import { useCallback, useEffect, useState } from 'react';
import type { TypedDocumentString } from '../__generated__/graphql';
import { ApiError, asApiError } from './errors';
import { postGraphQL, type GraphQLResult } from './graphql-http';
import { accessToken, refreshSession } from './session';

/** A request as the signed-in user; an UNAUTHENTICATED answer (a token revoked or expired early) refreshes once and retries. */
export async function request<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<GraphQLResult<R>> {
  const token = await accessToken();
  try {
    return await postGraphQL(document, variables, token ?? undefined);
  } catch (error) {
    if (!(error instanceof ApiError) || error.code !== 'UNAUTHENTICATED' || !token) throw error;
    const fresh = await refreshSession();
    if (!fresh) throw error;
    return postGraphQL(document, variables, fresh.accessToken);
  }
}

/** A mutation: its data, or its first error thrown (a mutation's partial success is not one). */
export async function mutate<R, V>(document: TypedDocumentString<R, V>, variables: V): Promise<R> {
  const result = await request(document, variables);
  if (result.errors[0]) throw result.errors[0];
  return result.data;
}

export type QueryState<R> =
  | { readonly status: 'loading'; readonly data?: R; readonly errors?: readonly ApiError[] }
  | { readonly status: 'error'; readonly error: ApiError; readonly data?: R; readonly errors?: readonly ApiError[] }
  | { readonly status: 'ready'; readonly data: R; readonly errors: readonly ApiError[] };

/**
 * Runs a query whenever its variables change. A reload keeps the previous data on screen (marked as
 * loading), so paging does not flash; an error is kept with its code.
 */
export function useQuery<R, V>(document: TypedDocumentString<R, V>, variables: V) {
  const key = JSON.stringify(variables);
  const [state, setState] = useState<QueryState<R>>({ status: 'loading' });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let live = true;
    setState((previous) => ({ status: 'loading', data: previous.data }));
    request(document, JSON.parse(key) as V).then(
      (result) => live && setState({ status: 'ready', data: result.data, errors: result.errors }),
      (error: unknown) => live && setState((previous) => ({ status: 'error', error: asApiError(error), data: previous.data })),
    );
    return () => {
      live = false;
    };
  }, [document, key, generation]);
  const reload = useCallback(() => setGeneration((n) => n + 1), []);
  return { state, reload };
}
