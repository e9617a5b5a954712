import { createHash } from 'node:crypto';
import { writeOutbox } from '@platform/events';
import { badInput, fail, inTransaction, type Logger, newId, ServiceRefusal } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { insertEvents } from '../db/event-repository.ts';
import { findOperation, insertOperation } from '../db/operation-repository.ts';
import type { VmsDatabase } from '../db/types.ts';
import { changeVm, findVm } from '../db/vm-repository.ts';
import type { ComputeProvider } from './compute-provider.ts';
import { canTransition, invalidStateMessage, TRANSITIONS, type VmAction } from './lifecycle.ts';
import type { VmSize } from '@platform/kernel';
import type { HoldView, PricingPort, WalletPort } from './ports.ts';
import { eventPayload, type Vm, type VmSpec } from './vm.ts';

export interface LifecycleOptions {
  readonly compute: ComputeProvider;
  readonly pricing: PricingPort;
  readonly wallet: WalletPort;
  readonly logger: Logger;
  /** How long a resize's hold lives before the wallet lets it lapse. */
  readonly holdTtlSeconds: number;
}

export interface LifecycleRequest {
  readonly actor: string;
  readonly resize?: VmSize;
  /** Same key + same request → the same answer, nothing done twice; another request → CONFLICT. */
  readonly idempotencyKey?: string | null;
}

/**
 * Power and lifecycle operations: the state machine of lifecycle.ts, applied as a compare-and-set on
 * the VM's status (and, for a resize, on the spec it was read with) together with its history line and
 * outbox event, in one transaction that commits BEFORE the compute provider is asked: of two racing
 * requests only the one that recorded its transition reaches the provider. A resize that costs more a
 * month holds the difference on the wallet first (INSUFFICIENT_FUNDS when short): a funds check,
 * released once the resize is applied or refused. The money is taken by the monthly bill for the usage
 * at each size (DESIGN §5 "Billing"), never upfront as well.
 */
export class Lifecycle {
  constructor(
    private readonly db: Kysely<VmsDatabase>,
    private readonly options: LifecycleOptions,
  ) {}

  async apply(vm: Vm, action: VmAction, request: LifecycleRequest): Promise<Vm> {
    const { actor, resize, idempotencyKey: key = null } = request;
    const hash = createHash('sha256')
      .update(JSON.stringify([action, resize ? Object.entries(resize).sort() : null]))
      .digest('hex');
    const replay = key ? await this.replay(vm.id, key, hash) : null;
    if (replay) return replay;
    const t = TRANSITIONS[action];
    if (!canTransition(action, vm.status)) throw fail('INVALID_STATE', invalidStateMessage(action, vm.status), { status: vm.status });
    let spec: VmSpec | undefined;
    let detail: string | null = null;
    let hold: { view: HoldView; key: string } | null = null;
    if (resize) {
      if (resize.diskGib < vm.spec.diskGib) {
        throw badInput('spec.diskGib', `must be at least the current ${vm.spec.diskGib} GiB: disks only grow.`, { min: vm.spec.diskGib });
      }
      spec = { vcpu: resize.vcpu, cpuSpeed: resize.cpuSpeed, memoryMib: resize.memoryGib * 1024, diskGib: resize.diskGib, storageTier: resize.storageTier };
      const priced = await this.priceResize(vm, resize);
      detail = `${describe(vm.spec)} → ${describe(spec)}`;
      if (priced.extraMinor > 0n) {
        hold = await this.placeHold(vm, priced.extraMinor, priced.currency, key);
        detail += `; hold ${hold.view.id} for ${priced.extraMinor} minor units a month more`;
      }
    }
    const now = new Date();
    let changed: Vm | null;
    try {
      changed = await inTransaction(this.db, async (trx) => {
        const next = await changeVm(
          trx,
          vm.id,
          [vm.status],
          { status: t.to, powerState: t.powerState, at: now, ...(spec ? { spec, productId: null } : {}) },
          spec && vm.spec,
        );
        if (!next) return null;
        await insertEvents(trx, [
          { id: newId(), vmId: vm.id, organizationId: vm.organizationId, kind: t.event, fromStatus: vm.status, toStatus: t.to, actor, detail, at: now },
        ]);
        await writeOutbox(trx, t.topic, eventPayload(next, now, spec ? { previousSpec: vm.spec, previousStatus: vm.status } : { previousStatus: vm.status }));
        if (key) await insertOperation(trx, vm.id, key, { action, requestHash: hash, result: next });
        return next;
      });
    } catch (error) {
      if (hold) await this.releaseHold(hold);
      throw error;
    }
    if (!changed) {
      // A request with this key got there first: its answer is ours (and the hold, shared by key, is its).
      const again = key ? await this.replay(vm.id, key, hash) : null;
      if (again) return again;
      if (hold) await this.releaseHold(hold);
      const current = await findVm(this.db, vm.id);
      if (!current) throw fail('NOT_FOUND', 'id: no VM you can see has this id.', { field: 'id' });
      if (current.status !== vm.status || !canTransition(action, current.status)) {
        throw fail('INVALID_STATE', invalidStateMessage(action, current.status), { status: current.status });
      }
      throw fail('CONFLICT', `The VM was changed by another request while this one ran (it is now ${describe(current.spec)}); read it again and retry.`, {
        field: 'id',
      });
    }
    // Recorded: only now does the hypervisor hear of it.
    try {
      await this.options.compute.apply(vm.id, action);
    } catch (error) {
      if (hold) await this.releaseHold(hold);
      throw error;
    }
    // The hold was the funds check for the bigger size; the monthly bill charges the usage at the new size.
    if (hold) await this.releaseHold(hold);
    return changed;
  }

  private async replay(vmId: string, key: string, hash: string): Promise<Vm | null> {
    const done = await findOperation(this.db, vmId, key);
    if (!done) return null;
    if (done.requestHash !== hash) throw fail('CONFLICT', 'idempotencyKey was already used for a different request on this VM.', { field: 'idempotencyKey' });
    return done.result;
  }

  /** The monthly price of the new size less the current one's (0 for a current size catalog cannot price, e.g. an imported VM's). */
  private async priceResize(vm: Vm, resize: VmSize): Promise<{ extraMinor: bigint; currency: string }> {
    const at = new Date();
    const next = await this.options.pricing.price({ spec: resize }, at);
    const { vcpu, memoryMib, diskGib, cpuSpeed, storageTier } = vm.spec;
    let current = 0n;
    if (vcpu !== null && memoryMib !== null) {
      const before = { vcpu, memoryGib: Math.ceil(memoryMib / 1024), diskGib, cpuSpeed, storageTier };
      current = await this.options.pricing.price({ spec: before }, at).then(
        (p) => p.monthlyMinor,
        () => 0n,
      );
    }
    return { extraMinor: next.monthlyMinor - current, currency: next.currency };
  }

  private async placeHold(vm: Vm, amountMinor: bigint, currency: string, key: string | null): Promise<{ view: HoldView; key: string }> {
    const holdKey = `vms-resize:${vm.id}:${key ?? newId()}`;
    try {
      const view = await this.options.wallet.placeHold({
        organizationId: vm.organizationId,
        amountMinor,
        currency,
        idempotencyKey: holdKey,
        description: `Resize of VM ${vm.name}: the monthly difference`,
        reference: `vm:${vm.id}`,
        expiresInSeconds: this.options.holdTtlSeconds,
      });
      return { view, key: holdKey };
    } catch (error) {
      if (!(error instanceof ServiceRefusal)) throw error;
      const { available, requested } = error.extensions;
      throw fail(error.code, error.message, { ...(available ? { available } : {}), ...(requested ? { requested } : {}) });
    }
  }

  private async releaseHold(hold: { view: HoldView; key: string }): Promise<void> {
    await this.options.wallet
      .releaseHold(hold.view.id, `${hold.key}:release`)
      .catch((error) => this.options.logger.warn('resize hold not released; it lapses at its expiry', { holdId: hold.view.id, error }));
  }
}

const describe = (s: VmSpec) =>
  `${s.vcpu ?? '?'} vCPU, ${s.memoryMib === null ? '?' : s.memoryMib / 1024} GiB, ${s.diskGib} GiB ${s.storageTier.toLowerCase()}`;
