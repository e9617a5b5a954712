import type { VmSize } from '@platform/kernel';
import type { VmAction } from './lifecycle.ts';

export interface BuildRequest {
  readonly vmId: string;
  readonly organizationId: string;
  readonly name: string;
  readonly spec: VmSize;
  readonly guestOs: string;
}

export interface BuiltVm {
  readonly ipAddress: string;
  readonly resourcePool: string;
}

/** Raised by a provider when a build cannot succeed; the saga then compensates. Anything else is retried. */
export class BuildFailedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BuildFailedError';
  }
}

/**
 * Where VMs are really built: a hypervisor in production, a simulator by default, a script in tests.
 * `build` must be idempotent by vmId (the saga repeats it after a crash).
 */
export interface ComputeProvider {
  build(request: BuildRequest): Promise<BuiltVm>;
  /** Carries out a lifecycle action on the hypervisor (the state machine has already allowed it). */
  apply(vmId: string, action: VmAction): Promise<void>;
}

export interface SimulatorSettings {
  readonly buildDelayMs: number;
  /** 0–100: the share of builds that fail. */
  readonly failurePercent: number;
}

/** Lets the platform run without a hypervisor: builds take a while and some fail. */
export function simulatedComputeProvider(settings: SimulatorSettings, random: () => number = Math.random): ComputeProvider {
  const outcomes = new Map<string, Promise<BuiltVm>>();
  return {
    build(request) {
      // The same VM built twice gets the same outcome, as a real provider would report it.
      let outcome = outcomes.get(request.vmId);
      if (!outcome) {
        const fails = random() * 100 < settings.failurePercent;
        outcome = new Promise<BuiltVm>((resolve, reject) =>
          setTimeout(() => {
            if (fails) reject(new BuildFailedError('The simulated hypervisor could not place the VM (no host with capacity).'));
            else resolve({ ipAddress: ipFor(request.vmId), resourcePool: `sim-pool-${request.organizationId.slice(-4)}` });
          }, settings.buildDelayMs).unref(),
        );
        outcomes.set(request.vmId, outcome);
        if (outcomes.size > 10_000) outcomes.delete(outcomes.keys().next().value as string);
      }
      return outcome;
    },
    async apply() {},
  };
}

/** A stable private address from the VM id (10.x.y.z). */
export function ipFor(vmId: string): string {
  const hex = vmId.replace(/-/g, '');
  const byte = (i: number) => parseInt(hex.slice(hex.length - 2 * i - 2, hex.length - 2 * i), 16);
  return `10.${byte(2)}.${byte(1)}.${Math.max(2, byte(0) % 254)}`;
}
