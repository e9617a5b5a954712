import type { ParkedEvent } from './consumer.ts';
import type { PlatformEvent } from './platform-event.ts';

/** Where a bus keeps its streams: one per topic, and per consumer a parked and a replay stream. */
export class StreamKeys {
  constructor(private readonly prefix: string) {}
  topic = (topic: string) => `${this.prefix}:topic:${topic}`;
  seen = (eventId: string) => `${this.prefix}:seen:${eventId}`;
  parked = (consumer: string) => `${this.prefix}:parked:${consumer}`;
  replay = (consumer: string) => `${this.prefix}:replay:${consumer}`;
}

export interface StreamEntry {
  readonly streamId: string;
  readonly event: PlatformEvent;
  readonly fields: Readonly<Record<string, string>>;
}

/** The stream fields of an event: our event id travels as a field (the stream id is Redis's). */
export const eventFields = (event: PlatformEvent): string[] => [
  'id',
  event.id,
  'topic',
  event.topic,
  'payload',
  JSON.stringify(event.payload),
  'occurredAt',
  event.occurredAt,
];

export function pairs(flat: readonly unknown[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[String(flat[i])] = flat[i + 1] === null ? '' : String(flat[i + 1]);
  return out;
}

/** Parses `[[streamId, [field, value, …]], …]` (XRANGE, XAUTOCLAIM); entries deleted meanwhile come as null and are skipped. */
export function parseEntries(raw: unknown): StreamEntry[] {
  const out: StreamEntry[] = [];
  for (const item of (raw as [string, unknown[] | null][] | null) ?? []) {
    if (!item[1]) continue;
    const fields = pairs(item[1]);
    out.push({
      streamId: item[0],
      fields,
      event: { id: fields.id ?? '', topic: fields.topic ?? '', payload: JSON.parse(fields.payload ?? 'null'), occurredAt: fields.occurredAt ?? '' },
    });
  }
  return out;
}

export const parseParked = (entry: StreamEntry): ParkedEvent => ({
  event: entry.event,
  attempts: Number(entry.fields.attempts ?? 0),
  error: entry.fields.error ?? '',
  parkedAt: entry.fields.parkedAt ?? '',
});

/** Orders stream ids ("<ms>-<seq>") numerically. */
export function compareStreamIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split('-').map(BigInt);
  const [bm = 0n, bs = 0n] = b.split('-').map(BigInt);
  return am !== bm ? (am < bm ? -1 : 1) : as === bs ? 0 : as < bs ? -1 : 1;
}
