/** The raw response, for asserting on exactly what a client would receive. */
export interface RawResponse {
  readonly status: number;
  readonly text: string;
  readonly headers: Headers;
  json(): { data?: Record<string, unknown> | null; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] };
}

export async function post(url: string, body: string, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<RawResponse> {
  const response = await fetch(url, { method: 'POST', headers, body });
  const text = await response.text();
  return { status: response.status, text, headers: response.headers, json: () => JSON.parse(text) };
}

export function postQuery(url: string, query: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return post(url, JSON.stringify({ query }), { 'content-type': 'application/json', ...headers });
}

/** What must never reach a client: connection strings, internal URLs, stack frames. */
export const LEAKS = [/postgres:\/\//, /secret/, /127\.0\.0\.1/, /\.invalid/, /\(\S+:\d+:\d+\)/, /\bat file:/, /"stacktrace"/, /ECONNREFUSED/];

export function leaksIn(text: string): string[] {
  return LEAKS.filter((pattern) => pattern.test(text)).map(String);
}
