import type http from 'node:http';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import { resolveBuiltinsFirst } from './builtin-resolution.ts';
import { searchOf, type HttpRoute } from './http-server.ts';

/** Routes GET and POST on `path` to an Apollo Server, building the context per request. */
export function graphqlRoutes<C extends BaseContext>(path: string, server: ApolloServer<C>, context: (req: http.IncomingMessage) => Promise<C>): HttpRoute[] {
  resolveBuiltinsFirst(); // Apollo requires 'crypto' per request
  const handler = async (req: http.IncomingMessage, res: http.ServerResponse, body: unknown) => {
    const headers = new HeaderMap();
    for (const [key, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(key, Array.isArray(value) ? value.join(', ') : value);
    }
    const result = await server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: (req.method ?? 'GET').toUpperCase(),
        headers,
        search: searchOf(req.url ?? '/'),
        body,
      },
      context: () => context(req),
    });
    for (const [key, value] of result.headers) res.setHeader(key, value);
    res.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      res.end(result.body.string);
      return;
    }
    for await (const chunk of result.body.asyncIterator) res.write(chunk);
    res.end();
  };
  return [
    { method: 'GET', path, handler },
    { method: 'POST', path, handler },
  ];
}
