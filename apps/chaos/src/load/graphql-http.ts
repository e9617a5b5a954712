import type { Outcome } from '../tally.ts';

export interface GraphqlAnswer {
  readonly status: number;
  readonly data?: Record<string, unknown> | null;
  readonly errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
}

/** What a client must never see in an error (DESIGN §4): stack frames, SQL, internal addresses. */
const LEAK = /\n\s+at |ECONNREFUSED|ETIMEDOUT|https?:\/\/127\.0\.0\.1|\bselect\b.+\bfrom\b|\binsert into\b|postgres|redis/i;

export function leakIn(answer: GraphqlAnswer): string | undefined {
  return answer.errors?.find((e) => LEAK.test(e.message) || LEAK.test(JSON.stringify(e.extensions ?? {})))?.message;
}

/** One GraphQL request over HTTP; network failures and timeouts are answers too (status 0). */
export async function postGraphql(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: { token?: string; timeoutMs?: number } = {},
): Promise<GraphqlAnswer> {
  try {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(options.token ? { authorization: `Bearer ${options.token}` } : {}) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
    });
    const text = await response.text();
    try {
      const body = JSON.parse(text) as Omit<GraphqlAnswer, 'status'>;
      return { status: response.status, data: body.data, errors: body.errors };
    } catch {
      return { status: response.status, errors: [{ message: text.slice(0, 200) }] };
    }
  } catch (error) {
    const timeout = error instanceof Error && error.name === 'TimeoutError';
    return { status: 0, errors: [{ message: timeout ? 'TIMEOUT' : 'NETWORK' }] };
  }
}

/** The answer's class for the tables: OK, PARTIAL, the first error's code, HTTP <status>, NETWORK or TIMEOUT. */
export function outcomeOf(answer: GraphqlAnswer): Outcome {
  if (answer.status === 0) return answer.errors?.[0]?.message ?? 'NETWORK';
  const hasData = answer.data !== undefined && answer.data !== null && Object.values(answer.data).some((v) => v !== null);
  if (!answer.errors?.length) return answer.status === 200 ? 'OK' : `HTTP ${answer.status}`;
  if (hasData) return 'PARTIAL';
  const code = answer.errors[0]?.extensions?.code;
  return typeof code === 'string' ? code : `HTTP ${answer.status}`;
}
