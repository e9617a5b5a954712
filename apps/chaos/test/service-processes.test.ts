import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from '@platform/kernel/testing';
import { afterEach, expect, test } from 'vitest';
import { ChaosRedis } from '../src/infrastructure.ts';
import { ServiceProcess } from '@platform/platform';

const dir = mkdtempSync(path.join(tmpdir(), 'chaos-test-'));
const answers = (url: string, ms: number) =>
  fetch(url, { signal: AbortSignal.timeout(ms) }).then(
    (r) => r.status,
    () => 0,
  );
let service: ServiceProcess | undefined;
afterEach(async () => service?.close());

test('a launched service is ready, freezes and thaws, and only exits nobody asked for count as crashes', async () => {
  service = new ServiceProcess({
    service: 'identity', // its main file replaced by a stand-in
    entry: 'apps/chaos/test/fixtures/ready-server.ts',
    name: 'stand-in',
    host: '127.0.0.1',
    env: {},
    port: await freePort(),
    logFile: path.join(dir, 'stand-in.log'),
  });
  await service.start();
  expect(await answers(`${service.url}/ready`, 2_000)).toBe(200);

  service.freeze();
  expect(await answers(`${service.url}/ready`, 500)).toBe(0);
  service.thaw();
  expect(await answers(`${service.url}/ready`, 2_000)).toBe(200);

  await service.kill();
  expect(service.running).toBe(false);
  expect(service.crashes).toEqual([]);

  await service.start();
  await answers(`${service.url}/exit`, 2_000);
  await service.exited();
  expect(service.crashes).toEqual(['stand-in exited unexpectedly (code 3, signal null)']);
}, 120_000); // two process boots under tsx, on a machine shared by many test runs

test.skipIf(!ChaosRedis.available())('the suite’s Redis keeps its streams across a stop and start (append-only file)', async () => {
  const redis = await ChaosRedis.start(path.join(dir, 'redis'));
  const { Redis } = await import('ioredis');
  try {
    const client = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await client.connect();
    await client.xadd('events:topic:test', '*', 'id', 'e1');
    client.disconnect();
    await redis.down();
    await redis.up();
    const again = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await again.connect();
    expect(await again.xlen('events:topic:test')).toBe(1);
    again.disconnect();
  } finally {
    await redis.down();
  }
});
