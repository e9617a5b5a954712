/** A minimal GraphQL-over-HTTP client for tests and benchmarks: real requests, no mocks. */
export interface GraphQLResponse<D = Record<string, unknown>> {
  status: number;
  data?: D | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

export async function gql<D = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<D>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const text = await response.text();
  let body: { data?: D | null; errors?: GraphQLResponse['errors'] } = {};
  try {
    body = JSON.parse(text);
  } catch {
    body = { errors: [{ message: text }] };
  }
  return { status: response.status, ...body };
}

/** The error codes in a response, in order. */
export const codesOf = (r: GraphQLResponse<unknown>): unknown[] => (r.errors ?? []).map((e) => e.extensions?.['code']);
