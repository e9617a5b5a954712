/** How one request ended: OK, PARTIAL (data with errors), an error code, HTTP status, or NETWORK/TIMEOUT. */
export type Outcome = string;

export interface PhaseCounts {
  readonly sent: number;
  readonly byOutcome: ReadonlyMap<Outcome, number>;
}

/**
 * Counts every request the load sends, per phase (one phase per fault): what was sent and how it was
 * answered. The load never stops between phases; a phase only says which table the answers go to.
 */
export class Tally {
  private current = 'warm-up';
  private readonly phases = new Map<string, { sent: number; byOutcome: Map<Outcome, number> }>();
  /** Answers that leaked internals (a stack, SQL, an internal URL): each is a violated invariant. */
  readonly leaks: string[] = [];

  begin(phase: string): void {
    this.current = phase;
  }

  get phase(): string {
    return this.current;
  }

  record(kind: string, outcome: Outcome): void {
    let phase = this.phases.get(this.current);
    if (!phase) this.phases.set(this.current, (phase = { sent: 0, byOutcome: new Map() }));
    phase.sent += 1;
    const key = `${kind}:${outcome}`;
    phase.byOutcome.set(key, (phase.byOutcome.get(key) ?? 0) + 1);
  }

  counts(phase: string): PhaseCounts {
    return this.phases.get(phase) ?? { sent: 0, byOutcome: new Map() };
  }
}
