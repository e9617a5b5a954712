import type { ChaosPostgres, ChaosRedis } from '../infrastructure.ts';
import type { Subscribers } from '../load/subscribers.ts';
import type { SteadyLoad } from '../load/steady-load.ts';
import type { ProcessPlatform } from '../platform-processes.ts';
import type { Tally } from '../tally.ts';

/** Everything a fault may touch: the processes, the infrastructure, the running load. */
export interface FaultContext {
  readonly platform: ProcessPlatform;
  readonly postgres: ChaosPostgres;
  readonly redis: ChaosRedis;
  readonly tally: Tally;
  readonly load: SteadyLoad;
  readonly subscribers: Subscribers;
  /** Access tokens by demo e-mail (the load's admins, and the provider's admin). */
  readonly tokens: ReadonlyMap<string, string>;
  readonly log: (message: string) => void;
}

export interface FaultOutcome {
  /** From the healing action (restart, SIGCONT, server back) to the first complete dashboard answer. */
  readonly recoverMs: number;
  /** What the fault itself must show; each entry is a violated invariant. */
  readonly violations: string[];
  /** Observations for the table (degraded behaviour, close codes, figures). */
  readonly notes: string[];
}

export interface Fault {
  readonly name: string;
  /** One line for the README and the table: what surviving this fault proves. */
  readonly proves: string;
  run(context: FaultContext): Promise<FaultOutcome>;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The load's answers of one kind and outcome in the current phase. */
export function answered(context: FaultContext, kind: string, outcome: string): number {
  return context.tally.counts(context.tally.phase).byOutcome.get(`${kind}:${outcome}`) ?? 0;
}
