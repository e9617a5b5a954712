import http from 'node:http';

/** A minimal GraphQL-over-HTTP client for tests and benchmarks: real requests, no mocks. */
export interface GraphQLResponse<D = Record<string, unknown>> {
  status: number;
  data?: D | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
}

// node:http with keep-alive: much lighter than fetch, which matters when the load driver shares
// the process (and the two cores) with the servers it measures.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

export async function gql<D = any>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: { token?: string; headers?: Record<string, string> } = {},
): Promise<GraphQLResponse<D>> {
  const body = JSON.stringify({ query, variables });
  const headers = {
    'content-type': 'application/json',
    'content-length': String(Buffer.byteLength(body)),
    ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
    ...options.headers,
  };
  const { status, text } = await post(new URL(url), headers, body);
  let parsed: { data?: D | null; errors?: GraphQLResponse['errors'] } = {};
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { errors: [{ message: text }] };
  }
  return { status, ...parsed };
}

function post(url: URL, headers: Record<string, string>, body: string, retried = false): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', (error: NodeJS.ErrnoException) => {
      // A kept-alive socket the server closed as we reused it: nothing was processed, send again once.
      if (!retried && req.reusedSocket && error.code === 'ECONNRESET') post(url, headers, body, true).then(resolve, reject);
      else reject(error);
    });
    req.end(body);
  });
}

/** The error codes in a response, in order. */
export const codesOf = (r: GraphQLResponse<unknown>): unknown[] => (r.errors ?? []).map((e) => e.extensions?.['code']);
