import { Redis } from 'ioredis';
import { EnvReader, type Env } from '../config.ts';
import type { Logger } from '../logger.ts';

export type LiveListener = (message: unknown) => void;

/**
 * Fire-and-forget fan-out for live subscriptions: every process subscribed to a channel gets every
 * message published on it, by any process. Unlike the event bus it keeps nothing: a process that is
 * not listening misses the message (subscriptions are live; durable history is the outbox's job).
 */
export interface LiveChannel {
  publish(channel: string, message: unknown): Promise<void>;
  /** Returns the unsubscribe function. Listeners run outside publish (never re-entrantly). */
  subscribe(channel: string, listener: LiveListener): () => void;
  close(): Promise<void>;
}

/** One process: listeners in a map, delivery on the next microtask. */
export class InMemoryLiveChannel implements LiveChannel {
  private readonly listeners = new Map<string, Set<LiveListener>>();

  async publish(channel: string, message: unknown): Promise<void> {
    const set = this.listeners.get(channel);
    if (!set) return;
    // A copy through JSON, as Redis would deliver it: no listener sees the publisher's object.
    const text = JSON.stringify(message);
    queueMicrotask(() => {
      for (const listener of [...set]) deliver(listener, JSON.parse(text));
    });
  }

  subscribe(channel: string, listener: LiveListener): () => void {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size === 0 && this.listeners.get(channel) === set) this.listeners.delete(channel);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}

function deliver(listener: LiveListener, message: unknown) {
  try {
    listener(message);
  } catch {
    // a listener's bug must not stop the others; listeners log their own failures
  }
}

/**
 * Across processes: Redis pub/sub (one connection publishes, one subscribes per process). Every
 * replica subscribed to a channel receives every message, which is what live fan-out needs (a
 * stream consumer group would hand each message to one replica only).
 */
export class RedisLiveChannel implements LiveChannel {
  private readonly pub: Redis;
  private sub: Redis | undefined;
  private readonly listeners = new Map<string, Set<LiveListener>>();

  constructor(private readonly options: { url: string; logger: Logger; prefix?: string }) {
    this.pub = new Redis(options.url, { lazyConnect: false, maxRetriesPerRequest: 2 });
    this.pub.on('error', (error) => options.logger.warn('live channel (publish) Redis error', { error }));
  }

  private key(channel: string) {
    return `${this.options.prefix ?? 'live'}:${channel}`;
  }

  async publish(channel: string, message: unknown): Promise<void> {
    await this.pub.publish(this.key(channel), JSON.stringify(message));
  }

  subscribe(channel: string, listener: LiveListener): () => void {
    const sub = this.subscriber();
    let set = this.listeners.get(channel);
    if (!set) {
      this.listeners.set(channel, (set = new Set()));
      sub.subscribe(this.key(channel)).catch((error: unknown) => this.options.logger.error('live channel subscribe failed', { channel, error }));
    }
    set.add(listener);
    return () => {
      set.delete(listener);
      if (set.size > 0 || this.listeners.get(channel) !== set) return;
      this.listeners.delete(channel);
      sub.unsubscribe(this.key(channel)).catch(() => undefined);
    };
  }

  private subscriber(): Redis {
    if (this.sub) return this.sub;
    const sub = new Redis(this.options.url, { maxRetriesPerRequest: null });
    sub.on('error', (error) => this.options.logger.warn('live channel (subscribe) Redis error', { error }));
    const prefix = `${this.options.prefix ?? 'live'}:`;
    sub.on('message', (key: string, text: string) => {
      const set = this.listeners.get(key.slice(prefix.length));
      if (!set) return;
      let message: unknown;
      try {
        message = JSON.parse(text);
      } catch (error) {
        this.options.logger.error('live channel message is not JSON; dropped', { channel: key, error });
        return;
      }
      for (const listener of [...set]) deliver(listener, message);
    });
    return (this.sub = sub);
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await Promise.all([this.pub.quit().catch(() => undefined), this.sub?.quit().catch(() => undefined)]);
  }
}

/**
 * REDIS_URL set: Redis pub/sub (every replica hears every message); otherwise this process only.
 * REDIS_KEY_PREFIX keeps platforms sharing one Redis apart (pub/sub ignores Redis database numbers).
 */
export function liveChannelFromEnv(logger: Logger, env: Env = process.env): LiveChannel {
  const r = new EnvReader(env);
  const url = r.optionalUrl('REDIS_URL');
  return url ? new RedisLiveChannel({ url, logger, prefix: redisKeyPrefix(r, 'live') }) : new InMemoryLiveChannel();
}

/** `<REDIS_KEY_PREFIX>:<kind>`, or `<kind>` alone when the variable is unset. */
export function redisKeyPrefix(r: EnvReader, kind: string): string {
  const prefix = r.optionalString('REDIS_KEY_PREFIX');
  return prefix ? `${prefix}:${kind}` : kind;
}
