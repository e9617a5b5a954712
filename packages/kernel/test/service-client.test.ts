import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, expect, test } from 'vitest';
import { createServiceClient, remoteOrgDirectory, ServiceRefusal } from '../src/index.ts';

/** What the fake subgraph answers next: a status and a raw body, or no answer at all (a hang). */
type Reply = { status: number; body: string } | 'hang';

let reply: Reply;
const received: { authorization: string | undefined; body: unknown }[] = [];
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ authorization: req.headers.authorization, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      if (reply === 'hang') return;
      res.writeHead(reply.status, { 'content-type': 'application/json' }).end(reply.body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  received.length = 0;
});

const json = (body: unknown, status = 200): Reply => ({ status, body: JSON.stringify(body) });
const client = (timeoutMs = 2_000) => createServiceClient({ url: () => url, tokens: async () => 'service-token-1', timeoutMs });

test('request posts the query and variables with the service token and resolves to data', async () => {
  reply = json({ data: { internalPlaceHold: { id: 'h1', status: 'PENDING' } } });
  const data = await client().request<{ internalPlaceHold: { id: string; status: string } }>('mutation { internalPlaceHold }', { amount: '10.00' });
  expect(data).toEqual({ internalPlaceHold: { id: 'h1', status: 'PENDING' } });
  expect(received).toEqual([{ authorization: 'Bearer service-token-1', body: { query: 'mutation { internalPlaceHold }', variables: { amount: '10.00' } } }]);
});

test('an expected refusal (a code of the closed set) is a ServiceRefusal with code, message and extensions', async () => {
  reply = json({ data: null, errors: [{ message: 'Available funds are short by R 10.00.', extensions: { code: 'INSUFFICIENT_FUNDS', shortBy: '10.00' } }] });
  const error = await client()
    .request('mutation { x }')
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ServiceRefusal);
  expect(error).toMatchObject({
    name: 'ServiceRefusal',
    code: 'INSUFFICIENT_FUNDS',
    message: 'Available funds are short by R 10.00.',
    extensions: { code: 'INSUFFICIENT_FUNDS', shortBy: '10.00' },
  });
});

test('a masked error, an HTTP failure or a response without data is a plain (transient) Error naming the host only', async () => {
  const host = new URL(url).host;
  const cases: [Reply, string][] = [
    [
      json({ errors: [{ message: 'Internal error (request r1)', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] }),
      `service call to ${host} failed: Internal error (request r1)`,
    ],
    [{ status: 502, body: '<html>bad gateway</html>' }, `service call to ${host} failed with HTTP 502`],
    [json({}), `service call to ${host} failed with HTTP 200`],
    [
      json({ errors: [{ message: 'Cannot query field "x".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] }, 400),
      `service call to ${host} failed: Cannot query field "x".`,
    ],
  ];
  for (const [r, message] of cases) {
    reply = r;
    const error = await client()
      .request('{ x }')
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ServiceRefusal);
    expect((error as Error).message).toBe(message);
  }
});

test('a timeout and a refused connection are plain Errors too', async () => {
  reply = 'hang';
  const started = Date.now();
  const timedOut = await client(150)
    .request('{ x }')
    .catch((e: unknown) => e);
  expect(timedOut).toBeInstanceOf(Error);
  expect(timedOut).not.toBeInstanceOf(ServiceRefusal);
  expect((timedOut as Error).message).toMatch(/^service call to 127\.0\.0\.1:\d+ failed: /);
  expect(Date.now() - started).toBeLessThan(2_000);

  const closed = http.createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}/graphql`;
  await new Promise((r) => closed.close(r));
  const refused = await createServiceClient({ url: deadUrl, tokens: async () => 't' })
    .request('{ x }')
    .catch((e: unknown) => e);
  expect(refused).toBeInstanceOf(Error);
  expect(refused).not.toBeInstanceOf(ServiceRefusal);
});

test('a token that cannot be had is a plain Error and nothing is sent', async () => {
  const noToken = createServiceClient({ url, tokens: async () => Promise.reject(new Error('identity unreachable')) });
  await expect(noToken.request('{ x }')).rejects.toThrow('identity unreachable');
  expect(received).toEqual([]);
});

test('remoteOrgDirectory asks tenancy through the client: one request per batch, none for no ids', async () => {
  const directory = remoteOrgDirectory(url, async () => 'tenancy-read-token');
  expect(await directory.lookup([])).toEqual(new Map());
  expect(received).toEqual([]);
  reply = json({ data: { internalOrganizationNodes: [{ id: 'c1', kind: 'CUSTOMER', ancestors: ['p1', 'r1'] }] } });
  const found = await directory.lookup(['c1', 'missing']);
  expect(found).toEqual(new Map([['c1', { id: 'c1', kind: 'CUSTOMER', ancestors: ['p1', 'r1'] }]]));
  expect(received).toHaveLength(1);
  expect(received[0]).toMatchObject({ authorization: 'Bearer tenancy-read-token', body: { variables: { ids: ['c1', 'missing'] } } });
  reply = json({ errors: [{ message: 'This operation is for internal services with scope tenancy:read.', extensions: { code: 'FORBIDDEN' } }] });
  await expect(directory.lookup(['c1'])).rejects.toBeInstanceOf(ServiceRefusal);
});
