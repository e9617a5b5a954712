import { writeFile } from 'node:fs/promises';
import { composeServices } from '@apollo/composition';
import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createTokenVerifier, LIVE_CLOSE } from '@platform/kernel';
import { collect, wsClient } from '@platform/kernel/testing';
import { TEST_AUDIENCE, TEST_ISSUER } from '@platform/testkit';
import { alphaSdl, startFixtureSubgraphs, type FixtureSubgraphs } from './support/fixture-subgraphs.ts';
import { eventually, startGateway, type StartedGateway } from './support/gateway-harness.ts';
import { startJwksIssuer, type JwksIssuer } from './support/jwt-keys.ts';
import { memoryLogger } from './support/memory-logger.ts';
import { replaceFile, tempDir, type TempDir } from './support/supergraph.ts';
import { startTicker, tickerSdl, type Ticker } from './support/ticker-subgraph.ts';

const TICKS = 'subscription($topic: String!) { ticks(topic: $topic) { n seenBy thing { id name } } }';

let issuer: JwksIssuer;
let subgraphs: FixtureSubgraphs;
let ticker: Ticker;
let dir: TempDir;
let supergraphPath: string;
let main: StartedGateway;

const compose = (withColor: boolean) => {
  const result = composeServices([
    { name: 'alpha', url: 'http://alpha.invalid/graphql', typeDefs: parse(alphaSdl(withColor)) },
    { name: 'ticker', url: 'http://ticker.invalid/graphql', typeDefs: parse(tickerSdl) },
  ]);
  if (result.errors) throw new Error(result.errors.map((e) => e.message).join('; '));
  return result.supergraphSdl;
};

beforeAll(async () => {
  issuer = await startJwksIssuer();
  const verifyToken = createTokenVerifier({ keys: issuer.url, issuer: TEST_ISSUER, audience: TEST_AUDIENCE });
  subgraphs = await startFixtureSubgraphs({ verifyToken, logger: memoryLogger() });
  ticker = await startTicker({ verifyToken, logger: memoryLogger() });
  dir = await tempDir();
  supergraphPath = dir.file('supergraph.graphql');
  await writeFile(supergraphPath, compose(false));
  main = await startGateway(
    { SUPERGRAPH_PATH: supergraphPath, SUBSCRIPTION_BUFFER_SIZE: '3' },
    { logger: memoryLogger(), verifyToken, serviceUrls: { alpha: subgraphs.alpha.url, ticker: ticker.server.url } },
  );
});

afterAll(async () => {
  await main?.gateway.stop();
  await Promise.all([subgraphs?.stop(), ticker?.stop()]);
  await issuer?.stop();
  await dir?.remove();
});

const waitForUpstream = (n: number) => eventually(async () => expect(ticker.active).toBe(n));

describe('federated subscriptions', () => {
  test('each event resolves fields of another subgraph (alpha) through the plan; the upstream subscription carries the caller', async () => {
    const { client } = wsClient(main.server.url, await issuer.token({ sub: 'user-7' }));
    const sub = collect(client, TICKS, { topic: 'federated' });
    await waitForUpstream(1);
    ticker.tick('federated', 1, 't1');
    ticker.tick('federated', 2, 't2');
    await sub.waitFor(2);
    expect(sub.results).toEqual([
      { data: { ticks: { n: 1, seenBy: 'user-7', thing: { id: 't1', name: 'thing t1' } } } },
      { data: { ticks: { n: 2, seenBy: 'user-7', thing: { id: 't2', name: 'thing t2' } } } },
    ]);
    sub.stop();
    await waitForUpstream(0);
    await client.dispose();
  });

  test('a selection wholly from the owning subgraph is shaped to the client operation (aliases, __typename) without other fetches', async () => {
    const { client } = wsClient(main.server.url, await issuer.token({ sub: 'user-a' }));
    const sub = collect(client, 'subscription { t: ticks(topic: "local") { __typename count: n who: seenBy thing { id } } }');
    await waitForUpstream(1);
    ticker.tick('local', 3, 'l3');
    await sub.waitFor(1);
    expect(sub.results).toEqual([{ data: { t: { __typename: 'Tick', count: 3, who: 'user-a', thing: { id: 'l3' } } } }]);
    sub.stop();
    await waitForUpstream(0);
    await client.dispose();
  });

  test('five clients of one principal with the same subscription share one upstream subscription; all five get every event', async () => {
    const clients = await Promise.all([1, 2, 3, 4, 5].map(async () => wsClient(main.server.url, await issuer.token({ sub: 'user-8' }))));
    const subs = clients.map(({ client }) => collect(client, TICKS, { topic: 'shared' }));
    await eventually(async () => expect(main.gateway.subscriptions?.stats().subscriptions).toBe(5));
    await waitForUpstream(1);
    await new Promise((r) => setTimeout(r, 100)); // no second upstream follows
    expect(main.gateway.subscriptions?.stats().upstreamSubscriptions).toBe(1);
    expect(ticker.active).toBe(1);
    ticker.tick('shared', 9, 's9');
    await Promise.all(subs.map((s) => s.waitFor(1)));
    for (const s of subs) expect(s.results).toEqual([{ data: { ticks: { n: 9, seenBy: 'user-8', thing: { id: 's9', name: 'thing s9' } } } }]);
    // Another principal gets its own upstream (its own visibility).
    const other = wsClient(main.server.url, await issuer.token({ sub: 'user-9' }));
    const otherSub = collect(other.client, TICKS, { topic: 'shared' });
    await waitForUpstream(2);
    subs.forEach((s) => s.stop());
    otherSub.stop();
    await waitForUpstream(0);
    await Promise.all([...clients, other].map(({ client }) => client.dispose()));
  });

  test('an operation that does not validate is refused like over HTTP, with GRAPHQL_VALIDATION_FAILED; a query over the socket is answered', async () => {
    const { client } = wsClient(main.server.url, await issuer.token());
    const bad = collect(client, 'subscription { ticks(topic: "x") { nope } }');
    await bad.waitFor(1);
    expect(bad.ended?.error).toEqual([
      expect.objectContaining({ message: 'Cannot query field "nope" on type "Tick".', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }),
    ]);
    const missingVar = collect(client, TICKS, {});
    await missingVar.waitFor(1);
    expect(missingVar.ended?.error).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } })]);
    const query = collect(client, '{ thing(id: "q1") { name } }');
    await query.waitFor(1);
    expect(query.results).toEqual([{ data: { thing: { name: 'thing q1' } } }]);
    await client.dispose();
  });
});

describe('connection auth and close codes', () => {
  const closedWith = async (token: string | undefined) => {
    const { client, closes } = wsClient(main.server.url, token);
    const sub = collect(client, TICKS, { topic: 'auth' });
    await sub.waitFor(1);
    await client.dispose();
    return { code: closes[0]?.code, error: sub.ended?.error };
  };

  test('no token, a forged token and an expired one close with 4401; a service token with 4403; nothing is subscribed upstream', async () => {
    expect((await closedWith(undefined)).code).toBe(4401);
    expect((await closedWith(await issuer.token({ foreignKey: true }))).code).toBe(4401);
    expect((await closedWith(await issuer.token({ expiresAt: Math.floor(Date.now() / 1000) - 60 }))).code).toBe(4401);
    expect((await closedWith(await issuer.token({ claims: { typ: 'service', org: null, role: null } }))).code).toBe(4403);
    expect(ticker.active).toBe(0);
  });

  test('a token that expires ends the connection with 4419; a client that refreshes its token in connectionParams resubscribes', async () => {
    let token = await issuer.token({ sub: 'user-x', expiresAt: Math.floor(Date.now() / 1000) + 2 });
    const { client, closes } = wsClient(main.server.url, () => token, { retryAttempts: 3 });
    const sub = collect(client, TICKS, { topic: 'expiry' });
    await waitForUpstream(1);
    token = await issuer.token({ sub: 'user-x', expiresAt: Math.floor(Date.now() / 1000) + 600 });
    await eventually(async () => expect(closes.map((c) => c.code)).toEqual([LIVE_CLOSE.TOKEN_EXPIRED.code]), 6_000);
    await waitForUpstream(1); // resubscribed with the fresh token
    await eventually(async () => {
      ticker.tick('expiry', 5, 'e5');
      expect(sub.results.length).toBeGreaterThan(0);
    });
    expect(sub.results[0]).toEqual({ data: { ticks: { n: 5, seenBy: 'user-x', thing: { id: 'e5', name: 'thing e5' } } } });
    sub.stop();
    await client.dispose();
  }, 20_000);

  test('a supergraph reload closes live clients with 4012; resubscribed, they see the new schema', async () => {
    const { client, closes } = wsClient(main.server.url, await issuer.token(), { retryAttempts: 3 });
    const sub = collect(client, TICKS, { topic: 'reload' });
    await waitForUpstream(1);
    await replaceFile(supergraphPath, compose(true));
    await eventually(async () => expect(closes.map((c) => c.code)).toEqual([LIVE_CLOSE.SUPERGRAPH_RELOADED.code]), 10_000);
    const colored = collect(client, 'subscription { ticks(topic: "reload") { thing { color } } }');
    await waitForUpstream(2);
    ticker.tick('reload', 1, 'r1');
    await colored.waitFor(1);
    expect(colored.results).toEqual([{ data: { ticks: { thing: { color: 'teal' } } } }]);
    sub.stop();
    colored.stop();
    await client.dispose();
  }, 20_000);

  test('graceful shutdown closes live clients with 1001', async () => {
    const extra = await startGateway(
      { SUPERGRAPH_PATH: supergraphPath },
      {
        logger: memoryLogger(),
        verifyToken: createTokenVerifier({ keys: issuer.url, issuer: TEST_ISSUER, audience: TEST_AUDIENCE }),
        serviceUrls: { alpha: subgraphs.alpha.url, ticker: ticker.server.url },
      },
    );
    const { client, closes } = wsClient(extra.server.url, await issuer.token());
    collect(client, TICKS, { topic: 'shutdown' });
    await eventually(async () => expect(extra.gateway.subscriptions?.stats().subscriptions).toBe(1));
    await extra.gateway.stop();
    await eventually(async () => expect(closes.map((c) => c.code)).toEqual([1001]));
    await waitForUpstream(0);
    await client.dispose();
  });
});
