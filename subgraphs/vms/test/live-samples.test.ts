import { createLogger, InMemoryLiveChannel, type LiveChannel } from '@platform/kernel';
import { describe, expect, test } from 'vitest';
import { SAMPLE_BATCHES_CHANNEL } from '../src/live/live-events.ts';
import { LiveHub } from '../src/live/live-hub.ts';

const VM_A = '00000000-0000-4000-8000-00000000000a';
const VM_B = '00000000-0000-4000-8000-00000000000b';
const ORG = '00000000-0000-4000-8000-0000000000f0';

/** An in-memory channel that also counts what is published per channel. */
class CountingChannel extends InMemoryLiveChannel {
  readonly published = new Map<string, number>();
  override async publish(channel: string, message: unknown): Promise<void> {
    this.published.set(channel, (this.published.get(channel) ?? 0) + 1);
    return super.publish(channel, message);
  }
}

/** The first `n` items of the queue, or what arrived within 5 s (so a missing item fails the assertion, not the timeout). */
async function take<T>(queue: AsyncIterable<T>, n: number): Promise<T[]> {
  const out: T[] = [];
  const collected = (async () => {
    for await (const item of queue) {
      out.push(item);
      if (out.length === n) break;
    }
  })();
  await Promise.race([collected, new Promise((resolve) => setTimeout(resolve, 5_000))]);
  return [...out];
}

/** Lets the in-memory channel deliver what was published (it delivers on a microtask). */
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

const at = (s: number) => new Date(Date.UTC(2026, 10, 29, 10, 0, s));

describe('live samples', () => {
  test("of a batch of 2,500 samples only the watched VM's are published, in one message on vms.sample-batches, and its subscriber gets exactly its own samples, in order", async () => {
    const channel = new CountingChannel();
    const hub = new LiveHub(channel as LiveChannel, createLogger({}, 'error'));
    const a = hub.samples(VM_A);
    const samples = Array.from({ length: 2500 }, (_, i) => ({
      vmId: i % 1000 === 0 ? VM_A : VM_B,
      organizationId: ORG,
      at: at(i),
      values: { cpu_percent: i % 100 },
    }));
    await hub.publishSamples(samples);
    expect(channel.published.get(SAMPLE_BATCHES_CHANNEL)).toBe(1);
    expect(await take(a, 3)).toEqual([
      { vmId: VM_A, organizationId: ORG, at: at(0), values: { cpu_percent: 0 } },
      { vmId: VM_A, organizationId: ORG, at: at(1000), values: { cpu_percent: 0 } },
      { vmId: VM_A, organizationId: ORG, at: at(2000), values: { cpu_percent: 0 } },
    ]);
    expect(hub.sampleSubscribers(VM_B)).toBe(0);
    hub.close();
  });

  test('a VM watched on another replica has its samples published there, 1,000 to a message; once its subscriber leaves, nothing is published', async () => {
    const channel = new CountingChannel();
    const ingesting = new LiveHub(channel as LiveChannel, createLogger({}, 'error'));
    const watching = new LiveHub(channel as LiveChannel, createLogger({}, 'error'));
    const b = watching.samples(VM_B);
    await settle();
    const samples = Array.from({ length: 2500 }, (_, i) => ({ vmId: i < 2100 ? VM_B : VM_A, organizationId: ORG, at: at(i), values: { cpu_percent: 1 } }));
    // take() waits from now, and leaves the subscription once it has its sample.
    const first = take(b, 1);
    await ingesting.publishSamples(samples);
    expect(channel.published.get(SAMPLE_BATCHES_CHANNEL)).toBe(3);
    expect(await first).toEqual([{ vmId: VM_B, organizationId: ORG, at: at(0), values: { cpu_percent: 1 } }]);
    expect(watching.sampleSubscribers(VM_B)).toBe(0);
    await settle();
    await ingesting.publishSamples(samples);
    expect(channel.published.get(SAMPLE_BATCHES_CHANNEL)).toBe(3);
    ingesting.close();
    watching.close();
  });

  test('with no subscriber on any replica a batch publishes nothing; a replica starting later learns what the others watch', async () => {
    const channel = new CountingChannel();
    const first = new LiveHub(channel as LiveChannel, createLogger({}, 'error'));
    const a = first.samples(VM_A);
    await first.samples(VM_B)[Symbol.asyncIterator]().return?.();
    await settle();
    const late = new LiveHub(channel as LiveChannel, createLogger({}, 'error'));
    await settle();
    await late.publishSamples([{ vmId: VM_B, organizationId: ORG, at: at(1), values: { cpu_percent: 5 } }]);
    expect(channel.published.get(SAMPLE_BATCHES_CHANNEL)).toBeUndefined();
    await late.publishSamples([{ vmId: VM_A, organizationId: ORG, at: at(2), values: { cpu_percent: 7 } }]);
    expect(channel.published.get(SAMPLE_BATCHES_CHANNEL)).toBe(1);
    expect(await take(a, 1)).toEqual([{ vmId: VM_A, organizationId: ORG, at: at(2), values: { cpu_percent: 7 } }]);
    first.close();
    late.close();
  });

  test('a malformed entry in a batch message is dropped and the rest delivered; a message that is not a batch is dropped', async () => {
    const channel = new InMemoryLiveChannel();
    const hub = new LiveHub(channel, createLogger({}, 'error'));
    const a = hub.samples(VM_A);
    await channel.publish(SAMPLE_BATCHES_CHANNEL, {
      samples: [
        { vmId: VM_A, at: 'no organisation' },
        { vmId: VM_A, organizationId: ORG, at: at(20).toISOString(), values: { cpu_percent: 42.5 } },
      ],
    });
    await channel.publish(SAMPLE_BATCHES_CHANNEL, { not: 'a batch' });
    await channel.publish(SAMPLE_BATCHES_CHANNEL, { samples: [{ vmId: VM_A, organizationId: ORG, at: at(40).toISOString(), values: { memory_percent: 61 } }] });
    expect(await take(a, 2)).toEqual([
      { vmId: VM_A, organizationId: ORG, at: at(20), values: { cpu_percent: 42.5 } },
      { vmId: VM_A, organizationId: ORG, at: at(40), values: { memory_percent: 61 } },
    ]);
    hub.close();
  });
});
