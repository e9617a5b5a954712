import http from 'node:http';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { closeServer, createHttpServer, createLogger, listen } from '../src/index.ts';
import { pathOf, searchOf } from '../src/http/http-server.ts';

test.each([
  ['/graphql', '/graphql', ''],
  ['/graphql?query=%7B__typename%7D', '/graphql', '?query=%7B__typename%7D'],
  ['/graphql?', '/graphql', ''],
  ['/a/../graphql', '/graphql', ''],
  ['/graphql/./', '/graphql/', ''],
  ['/gr%61phql?x=1', '/gr%61phql', '?x=1'],
  ['//evil.example/graphql', '/graphql', ''],
  ['/graphql#frag', '/graphql', ''],
])('%s has the path and query string URL parsing gives', (url, path, search) => {
  expect(pathOf(url)).toBe(path);
  expect(searchOf(url)).toBe(search);
});

let server: http.Server;
let base = '';
beforeAll(async () => {
  server = createHttpServer({
    logger: createLogger({}, 'error'),
    bodyLimitBytes: 64,
    routes: [{ method: 'POST', path: '/echo', handler: (_req, res, body) => void res.end(JSON.stringify({ body })) }],
  });
  base = `http://127.0.0.1:${await listen(server, 0, '127.0.0.1')}`;
});
afterAll(() => closeServer(server));

/** A POST with the body sent in chunks and no content-length (what the limit must catch while reading). */
function postChunked(path: string, chunks: readonly string[], type = 'application/json') {
  return new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = http.request(`${base}${path}`, { method: 'POST', headers: { 'content-type': type, 'transfer-encoding': 'chunked' } }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString('utf8')));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

test('a JSON body read in chunks reaches the handler parsed; text stays text; bad JSON is 400', async () => {
  expect(await postChunked('/echo', ['{"a":', '[1,2', ']}'])).toEqual({ status: 200, body: '{"body":{"a":[1,2]}}' });
  expect(await postChunked('/echo', ['plain ', 'text'], 'text/plain')).toEqual({ status: 200, body: '{"body":"plain text"}' });
  expect(await postChunked('/echo', ['{"a":'])).toEqual({ status: 400, body: '{"errors":[{"message":"The request body is not valid JSON."}]}' });
  expect(await postChunked('/echo?x=1', ['{}'])).toEqual({ status: 200, body: '{"body":{}}' });
});

test('a chunked body over the limit is refused with 413 while reading, and the server keeps serving', async () => {
  const over = await postChunked('/echo', ['{"a":"', 'x'.repeat(40), 'y'.repeat(40), '"}']);
  expect(over).toEqual({ status: 413, body: '{"errors":[{"message":"Request body larger than 64 bytes."}]}' });
  expect(await postChunked('/echo', ['{"ok":true}'])).toEqual({ status: 200, body: '{"body":{"ok":true}}' });
});
