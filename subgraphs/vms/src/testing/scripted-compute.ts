import { BuildFailedError, ipFor, type ComputeProvider } from '../domain/compute-provider.ts';
import type { VmAction } from '../domain/lifecycle.ts';

/**
 * A deterministic compute provider: builds take `delayMs`, a VM whose name contains "fail" fails to
 * build, and `hold()` keeps builds waiting until `release()` (to look at a VM while PROVISIONING).
 */
export function scriptedCompute(delayMs = 20) {
  let gate: Promise<void> | null = null;
  let open: () => void = () => {};
  const builds: string[] = [];
  /** Every lifecycle action that reached the provider, in order. */
  const applied: { vmId: string; action: VmAction }[] = [];
  const provider: ComputeProvider = {
    async build(request) {
      builds.push(request.vmId);
      await new Promise((r) => setTimeout(r, delayMs));
      if (gate) await gate;
      if (request.name.includes('fail')) throw new BuildFailedError('No host has capacity for this VM.');
      return { ipAddress: ipFor(request.vmId), resourcePool: 'test-pool' };
    },
    async apply(vmId, action) {
      await script.onApply?.(vmId, action);
      applied.push({ vmId, action });
    },
  };
  const script = {
    provider,
    builds,
    applied,
    hold() {
      gate = new Promise((r) => (open = r));
    },
    release() {
      gate = null;
      open();
    },
    /** Runs as an action reaches the provider (to look at what was recorded by then). */
    onApply: undefined as ((vmId: string, action: VmAction) => Promise<void>) | undefined,
  };
  return script;
}
