import type { ParkedEvent } from './consumer.ts';
import type { PlatformEvent } from './platform-event.ts';

export interface LogEntry {
  /** Publish order across topics, so a consumer of several topics sees them in order. */
  readonly seq: number;
  readonly event: PlatformEvent;
  readonly appendedAt: number;
}

/** One topic's retained history, addressed by offsets that never change when the head is trimmed. */
export class TopicLog {
  private entries: LogEntry[] = [];
  private base = 0;
  private readonly ids = new Set<string>();

  get start(): number {
    return this.base;
  }

  /** False for an event id already retained: a relay that republishes does not duplicate it. */
  append(entry: LogEntry): boolean {
    if (this.ids.has(entry.event.id)) return false;
    this.ids.add(entry.event.id);
    this.entries.push(entry);
    return true;
  }

  at(offset: number): LogEntry | undefined {
    return this.entries[offset - this.base];
  }

  /** Drops head entries appended before `before`, but never one at or past `keepFrom` (someone's position). */
  trim(keepFrom: number, before: number): void {
    let n = 0;
    while (n < this.entries.length && this.base + n < keepFrom && this.entries[n]!.appendedAt < before) n += 1;
    for (const entry of this.entries.slice(0, n)) this.ids.delete(entry.event.id);
    this.entries = this.entries.slice(n);
    this.base += n;
  }
}

export interface Retry {
  readonly event: PlatformEvent;
  readonly attempts: number;
  readonly dueAt: number;
}

/** What the bus remembers of a consumer name, across its registrations. */
export class ConsumerState {
  /** Per topic, the offset of the next event not yet taken. */
  readonly positions = new Map<string, number>();
  /** Failed events waiting for their next attempt, by event id. */
  readonly retries = new Map<string, Retry>();
  readonly parked: ParkedEvent[] = [];
}
