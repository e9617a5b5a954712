import { describe, expect } from 'vitest';
import { vmsTestWith } from './support/fixtures.ts';
import { gauge, postMetrics, rawRows, resource, slotAgo } from './support/telemetry.ts';

// One batch in the database at a time, none waiting: a second batch sent meanwhile is refused at once.
const test = vmsTestWith({ TELEMETRY_INGEST_CONCURRENCY: '1', TELEMETRY_INGEST_QUEUE: '0' });
const CPU = 'vcenter.vm.cpu.utilization';

describe('POST /v1/metrics: bounded ingest concurrency', () => {
  test('past TELEMETRY_INGEST_CONCURRENCY (and its queue) a batch is 503 with Retry-After and nothing of it is stored; once free, it is taken', async ({
    vms: h,
    auth,
  }) => {
    const [a, b] = await h.addVms(h.orgs.customerA, 2);
    const token = await auth.serviceToken('collector', ['telemetry:write']);
    const t = slotAgo(60);
    // A listener that waits holds the first batch's slot (listeners run inside ingest, after its commit).
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const remove = h.subgraph.telemetry.addListener({
      onSamples: async () => {
        entered();
        await held;
      },
    });
    const first = postMetrics(h.baseUrl, { resourceMetrics: [resource(a!.id, [gauge(CPU, '%', [{ at: t, value: 10 }])])] }, { token });
    await inside;
    const refusedBody = { resourceMetrics: [resource(b!.id, [gauge(CPU, '%', [{ at: t, value: 20 }])])] };
    const refused = await fetch(`${h.baseUrl}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(refusedBody),
    });
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toEqual({ code: 14, message: 'Too many batches are being ingested; retry this one later.' });
    expect(await rawRows(h.db, [b!.id])).toEqual([]);
    release();
    remove();
    expect(await first).toEqual({ status: 200, body: {} });
    // The collector's retry is taken now.
    expect(await postMetrics(h.baseUrl, refusedBody, { token })).toEqual({ status: 200, body: {} });
    expect((await rawRows(h.db, [b!.id])).map((r) => r.cpu_percent)).toEqual([20]);
  });
});
