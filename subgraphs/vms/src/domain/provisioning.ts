import { writeOutbox } from '@platform/events';
import { ERROR_CODES, type ErrorCode, fail, inTransaction, type Logger, newId, ServiceRefusal, withSpan } from '@platform/kernel';
import type { Kysely } from 'kysely';
import { insertEvents } from '../db/event-repository.ts';
import { findClaimableSagas, findSaga, findSagaByKey, insertSagaIfAbsent, moveSaga } from '../db/saga-repository.ts';
import type { VmsDatabase } from '../db/types.ts';
import { changeVm, findVm, insertVm } from '../db/vm-repository.ts';
import { BuildFailedError, type ComputeProvider } from './compute-provider.ts';
import { licencesFor } from './guest-licence.ts';
import type { PricingPort, WalletPort } from './ports.ts';
import { requestHash, sagaKeys, type ClientRequest, type Saga } from './saga.ts';
import { SagaLease } from './saga-lease.ts';
import type { VmSize } from '@platform/kernel';
import { eventPayload, type Vm, type VmEvent } from './vm.ts';

export interface ProvisionCommand extends ClientRequest {
  readonly idempotencyKey: string;
  readonly orgPath: readonly string[];
  readonly actor: string;
}

/** Test-only seams: run between saga steps (e.g. throw to simulate the process dying there). */
export interface SagaHooks {
  readonly afterHold?: (saga: Saga) => Promise<void>;
  readonly afterBuild?: (saga: Saga) => Promise<void>;
}

export interface ProvisioningOptions {
  readonly pricing: PricingPort;
  readonly wallet: WalletPort;
  readonly compute: ComputeProvider;
  readonly logger: Logger;
  /** How long the provisioning hold lives: longer than any build plus recovery. */
  readonly holdTtlSeconds: number;
  /**
   * How long a replica's lease on a saga lasts unless renewed (it is renewed every third of it while
   * the replica drives the saga); an expired lease, or a saga without one untouched this long, is
   * taken over by the recovery pass.
   */
  readonly staleAfterMs: number;
  readonly hooks?: SagaHooks;
}

const memoryMib = (spec: VmSize) => spec.memoryGib * 1024;

/**
 * The provisioning saga (DESIGN §5): price → hold → VM PROVISIONING (+ outbox) → build → RUNNING, or
 * ERROR; the hold is released either way (it is a funds check: usage is charged by the monthly bill). Every state change is a compare-and-set on the saga row and every
 * remote step carries a key derived from the saga, so any number of drivers (a client retrying with
 * the same key, a recovery pass after a crash) can run it concurrently and the outcome is the same:
 * one VM, one hold, released once. Expected refusals end the saga; anything else leaves it
 * where it is for the recovery pass.
 */
export class Provisioning {
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly driving = new Set<string>();
  /** This replica, as the owner of the saga leases it holds. */
  private readonly replicaId = newId();
  private stopped = false;

  /**
   * `db` serves the request that provisions; `background` (the same pool, statements not counted
   * per request) drives the rest of the saga after the response, and the recovery pass.
   */
  constructor(
    private readonly db: Kysely<VmsDatabase>,
    private readonly background: Kysely<VmsDatabase>,
    private readonly options: ProvisioningOptions,
  ) {}

  /** Runs the saga up to the VM's creation and returns it PROVISIONING; the build goes on in the background. */
  async provision(cmd: ProvisionCommand): Promise<Vm> {
    const hash = requestHash(cmd);
    let saga = await findSagaByKey(this.db, cmd.organizationId, cmd.idempotencyKey);
    if (!saga) {
      const now = new Date();
      const priced = await this.options.pricing.price(cmd.productId ? { productId: cmd.productId } : { spec: cmd.spec! }, now);
      // The product's price covers what it includes; the hold adds the month of each extra asked for on top,
      // the licence a Windows Server guest implies included (added here, so the idempotency fingerprint
      // stays what the client sent).
      const extras = {
        licences: licencesFor(cmd.guestOs, cmd.licences).filter((sku) => !priced.included.licences.includes(sku)),
        addOns: cmd.addOns.filter((sku) => !priced.included.addOns.includes(sku)),
      };
      const extrasPrice = await this.options.pricing.priceExtras(extras, now);
      if (extrasPrice.monthlyMinor > 0n && extrasPrice.currency !== priced.currency)
        throw new Error('catalog priced a VM and its extras in different currencies');
      const licences = [...priced.included.licences, ...extras.licences];
      const addOns = [...priced.included.addOns, ...extras.addOns];
      const created = {
        id: newId(),
        organizationId: cmd.organizationId,
        idempotencyKey: cmd.idempotencyKey,
        requestHash: hash,
        request: {
          vmId: newId(),
          name: cmd.name,
          productId: cmd.productId,
          spec: priced.spec,
          guestOs: cmd.guestOs,
          licences,
          addOns,
          orgPath: cmd.orgPath,
          actor: cmd.actor,
        },
        priceMinor: priced.monthlyMinor + extrasPrice.monthlyMinor,
        currency: priced.currency,
      };
      await insertSagaIfAbsent(this.db, created);
      saga = await findSagaByKey(this.db, cmd.organizationId, cmd.idempotencyKey);
      if (!saga) throw new Error('saga vanished after insert');
    }
    if (saga.requestHash !== hash) {
      throw fail('CONFLICT', 'idempotencyKey was already used for a different request.', { field: 'idempotencyKey' });
    }
    if (saga.state === 'REJECTED') {
      // Refused earlier with nothing held (e.g. short of funds): the same request may be tried again.
      saga =
        (await moveSaga(this.db, saga.id, ['REJECTED'], { state: 'HOLDING', attempt: 'increment', errorCode: null, errorMessage: null })) ??
        (await this.reload(this.db, saga));
    }
    if (saga.state === 'HOLDING') {
      const holding = saga;
      saga = await this.step('hold', holding, () => this.holdAndCreate(this.db, holding));
    }
    if (saga.state === 'REJECTED') throw fail(publicCode(saga.errorCode), saga.errorMessage ?? 'The VM could not be provisioned.');
    const vm = await findVm(this.db, saga.request.vmId);
    if (!vm) throw new Error(`saga ${saga.id} in ${saga.state} has no VM`);
    this.continueInBackground(saga.id);
    return vm;
  }

  /** HOLDING → BUILDING: place the hold (idempotent), then the VM and its event in one transaction. */
  private async holdAndCreate(db: Kysely<VmsDatabase>, saga: Saga): Promise<Saga> {
    const { request } = saga;
    let hold;
    try {
      hold = await this.options.wallet.placeHold({
        organizationId: saga.organizationId,
        amountMinor: saga.priceMinor,
        currency: saga.currency,
        idempotencyKey: sagaKeys.hold(saga),
        description: `First month of VM ${request.name}`,
        reference: `vm:${request.vmId}`,
        expiresInSeconds: this.options.holdTtlSeconds,
      });
      if (hold.status !== 'PENDING')
        throw new ServiceRefusal('INVALID_STATE', `The funds hold was ${hold.status.toLowerCase()} before the VM was created; provision again.`, {});
    } catch (error) {
      if (!(error instanceof ServiceRefusal)) throw error;
      const rejected = await moveSaga(db, saga.id, ['HOLDING'], { state: 'REJECTED', errorCode: error.code, errorMessage: error.message });
      if (!rejected) return this.reload(db, saga);
      throw fail(error.code, error.message, pickPublic(error.extensions));
    }
    await this.options.hooks?.afterHold?.(saga);
    const now = new Date();
    const vm: Vm = {
      id: request.vmId,
      organizationId: saga.organizationId,
      orgPath: request.orgPath,
      name: request.name,
      productId: request.productId,
      spec: {
        vcpu: request.spec.vcpu,
        cpuSpeed: request.spec.cpuSpeed,
        memoryMib: memoryMib(request.spec),
        diskGib: request.spec.diskGib,
        storageTier: request.spec.storageTier,
      },
      guestOs: request.guestOs,
      licences: request.licences ?? [],
      addOns: request.addOns ?? [],
      powerState: 'POWERED_OFF',
      status: 'PROVISIONING',
      statusReason: null,
      ipAddress: null,
      resourcePool: null,
      instanceUuid: null,
      createdAt: now,
      updatedAt: now,
    };
    const moved = await inTransaction(db, async (trx) => {
      const next = await moveSaga(trx, saga.id, ['HOLDING'], { state: 'BUILDING', holdId: hold.id, vmId: vm.id });
      if (!next) return null;
      await insertVm(trx, vm);
      await insertEvents(trx, [event(vm, 'PROVISION_REQUESTED', null, 'PROVISIONING', request.actor, now, `Hold ${hold.id} placed`)]);
      await writeOutbox(trx, 'vms.vm.provisioning', eventPayload(vm, now, { holdId: hold.id }));
      return next;
    });
    return moved ?? this.reload(db, saga);
  }

  /** One saga step as a span: provisioning's traces show hold, build, completion and release apart. */
  private step<T>(name: string, saga: Saga, run: () => Promise<T>): Promise<T> {
    return withSpan(`saga ${name}`, { 'saga.id': saga.id, 'saga.state': saga.state, 'saga.attempt': saga.attempt }, run);
  }

  /**
   * Drives a saga from wherever it is to a final state, holding its lease (claimed here unless the
   * recovery pass already did): while another replica holds a live lease, this one leaves the saga alone.
   */
  async drive(sagaId: string, claimed?: SagaLease): Promise<void> {
    const lease = claimed ?? (await SagaLease.claim(this.background, sagaId, this.replicaId, this.options.staleAfterMs, this.options.logger));
    if (!lease) return;
    try {
      await this.driveHolding(lease);
    } finally {
      await lease.end().catch((error: unknown) => this.options.logger.warn('provisioning saga lease not released', { sagaId, error }));
    }
  }

  private async driveHolding(lease: SagaLease): Promise<void> {
    const db = this.background;
    let saga = await findSaga(db, lease.sagaId);
    while (saga && !this.stopped && !lease.lost) {
      switch (saga.state) {
        case 'HOLDING': {
          const holding = saga;
          saga = await this.step('hold', holding, () => this.holdAndCreate(db, holding)).catch((error) => {
            if (error instanceof ServiceRefusal || isPublic(error)) return null; // REJECTED: nothing held, no VM
            throw error;
          });
          break;
        }
        case 'BUILDING': {
          const building = saga;
          saga = await this.step('build', building, () => this.build(db, building, lease));
          break;
        }
        case 'BUILT': {
          const built = saga;
          saga = await this.step('complete', built, () => this.complete(db, built));
          break;
        }
        case 'COMPENSATING': {
          const compensating = saga;
          saga = await this.step('release', compensating, () => this.release(db, compensating));
          break;
        }
        default:
          return;
      }
    }
  }

  /** BUILDING → BUILT (VM addressed), or → COMPENSATING (VM ERROR) when the provider says it cannot. */
  private async build(db: Kysely<VmsDatabase>, saga: Saga, lease: SagaLease): Promise<Saga> {
    const { request } = saga;
    // Renewed on the spot: a replica that lost the saga (paused past its lease) never starts the build.
    if (!(await lease.confirm())) return saga;
    this.options.logger.info('vm build started', { sagaId: saga.id, vmId: request.vmId });
    try {
      const built = await this.options.compute.build({
        vmId: request.vmId,
        organizationId: saga.organizationId,
        name: request.name,
        spec: request.spec,
        guestOs: request.guestOs,
      });
      const next = await inTransaction(db, async (trx) => {
        const moved = await moveSaga(trx, saga.id, ['BUILDING'], { state: 'BUILT', ipAddress: built.ipAddress });
        if (moved)
          await changeVm(trx, request.vmId, ['PROVISIONING'], {
            status: 'PROVISIONING',
            powerState: 'POWERED_OFF',
            ipAddress: built.ipAddress,
            resourcePool: built.resourcePool,
            at: new Date(),
          });
        return moved;
      });
      if (next) await this.options.hooks?.afterBuild?.(next);
      return next ?? this.reload(db, saga);
    } catch (error) {
      if (!(error instanceof BuildFailedError)) throw error;
      const now = new Date();
      const next = await inTransaction(db, async (trx) => {
        const moved = await moveSaga(trx, saga.id, ['BUILDING'], { state: 'COMPENSATING', errorCode: 'BUILD_FAILED', errorMessage: error.message });
        if (!moved) return null;
        const vm = await changeVm(trx, request.vmId, ['PROVISIONING'], { status: 'ERROR', powerState: 'POWERED_OFF', statusReason: error.message, at: now });
        if (vm) {
          await insertEvents(trx, [event(vm, 'PROVISION_FAILED', 'PROVISIONING', 'ERROR', 'system', now, error.message)]);
          await writeOutbox(trx, 'vms.vm.provision_failed', eventPayload(vm, now, { reason: error.message }));
        }
        return moved;
      });
      return next ?? this.reload(db, saga);
    }
  }

  /**
   * BUILT → COMPLETED: the hold released, then the VM RUNNING with its event. The hold was the funds
   * check (a month of this VM was available when it was asked for); the money is taken once, by the
   * monthly bill for the usage (DESIGN §5 "Billing"): capturing it here as well charged twice.
   */
  private async complete(db: Kysely<VmsDatabase>, saga: Saga): Promise<Saga> {
    await this.giveBack(saga);
    const now = new Date();
    const next = await inTransaction(db, async (trx) => {
      const moved = await moveSaga(trx, saga.id, ['BUILT'], { state: 'COMPLETED' });
      if (!moved) return null;
      const vm = await changeVm(trx, saga.request.vmId, ['PROVISIONING'], { status: 'RUNNING', powerState: 'POWERED_ON', at: now });
      if (vm) {
        await insertEvents(trx, [event(vm, 'PROVISIONED', 'PROVISIONING', vm.status, 'system', now, null)]);
        await writeOutbox(trx, 'vms.vm.provisioned', eventPayload(vm, now, { holdId: saga.holdId! }));
      }
      return moved;
    });
    return next ?? this.reload(db, saga);
  }

  /** COMPENSATING → FAILED: give the hold back. */
  private async release(db: Kysely<VmsDatabase>, saga: Saga): Promise<Saga> {
    await this.giveBack(saga);
    return (await moveSaga(db, saga.id, ['COMPENSATING'], { state: 'FAILED' })) ?? this.reload(db, saga);
  }

  /** Releases the saga's hold; already expired or released counts as given back. A saga ends one way, so one key serves both. */
  private async giveBack(saga: Saga): Promise<void> {
    try {
      await this.options.wallet.releaseHold(saga.holdId!, sagaKeys.release(saga));
    } catch (error) {
      // CAPTURED would be a bug: let it surface.
      if (!(error instanceof ServiceRefusal && error.code === 'INVALID_STATE' && error.extensions['status'] !== 'CAPTURED')) throw error;
    }
  }

  private async reload(db: Kysely<VmsDatabase>, saga: Saga): Promise<Saga> {
    const current = await findSaga(db, saga.id);
    if (!current) throw new Error(`saga ${saga.id} vanished`);
    return current;
  }

  /** Finishes the saga off the request, on the background handle; failures wait for the recovery pass. */
  continueInBackground(sagaId: string, lease?: SagaLease): void {
    if (this.stopped || this.driving.has(sagaId)) {
      void lease?.end().catch(() => {}); // not driven here: leave it to whoever is
      return;
    }
    this.driving.add(sagaId);
    const work = this.drive(sagaId, lease)
      .catch((error) => this.options.logger.warn('provisioning saga interrupted; the recovery pass will resume it', { sagaId, error }))
      .finally(() => {
        this.driving.delete(sagaId);
        this.inFlight.delete(work);
      });
    this.inFlight.add(work);
  }

  /**
   * The recovery pass: claims open sagas whose lease ran out (their replica died) or that never had
   * one and sat untouched for `staleAfterMs` (a step failed transiently), and drives each to its end.
   * Returns how many it took over.
   */
  async recover(): Promise<number> {
    const sagas = await findClaimableSagas(this.background, this.options.staleAfterMs);
    let taken = 0;
    for (const saga of sagas) {
      if (this.stopped || this.driving.has(saga.id)) continue;
      const lease = await SagaLease.claim(this.background, saga.id, this.replicaId, this.options.staleAfterMs, this.options.logger);
      if (!lease) continue;
      taken += 1;
      this.continueInBackground(saga.id, lease);
    }
    return taken;
  }

  /** Waits for every saga this process is driving. */
  async settle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.settle();
  }
}

function event(vm: Vm, kind: VmEvent['kind'], from: VmEvent['fromStatus'], to: VmEvent['toStatus'], actor: string, at: Date, detail: string | null): VmEvent {
  return { id: newId(), vmId: vm.id, organizationId: vm.organizationId, kind, fromStatus: from, toStatus: to, actor, detail, at };
}

function publicCode(code: string | null): ErrorCode {
  return code !== null && (ERROR_CODES as readonly string[]).includes(code) ? (code as ErrorCode) : 'INVALID_STATE';
}

function isPublic(error: unknown): boolean {
  return (
    typeof error === 'object' && error !== null && 'extensions' in error && typeof (error as { extensions: { code?: unknown } }).extensions.code === 'string'
  );
}

/** Only the machine-readable detail a client may see (available/requested amounts), never internals. */
function pickPublic(extensions: Record<string, unknown>): Record<string, unknown> {
  const { available, requested } = extensions;
  return { ...(available ? { available } : {}), ...(requested ? { requested } : {}) };
}
