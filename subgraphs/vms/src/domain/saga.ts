import { createHash } from 'node:crypto';
import type { VmSize } from '@platform/kernel';

/**
 * The provisioning saga's states (DESIGN §5):
 *   HOLDING      priced; the hold is being placed (its key is derived from the saga id, so repeating is harmless)
 *   BUILDING     hold placed, VM row PROVISIONING (one transaction with its outbox event); the provider builds
 *   BUILT        the provider reported success; the hold (a funds check: the monthly bill charges usage) is being released
 *   COMPENSATING the build failed, VM ERROR; the hold is being released
 *   COMPLETED / FAILED   final. REJECTED: refused before any VM existed (e.g. INSUFFICIENT_FUNDS), nothing held.
 */
export type SagaState = 'HOLDING' | 'BUILDING' | 'BUILT' | 'COMPENSATING' | 'COMPLETED' | 'FAILED' | 'REJECTED';

export const OPEN_SAGA_STATES: readonly SagaState[] = ['HOLDING', 'BUILDING', 'BUILT', 'COMPENSATING'];

/** The validated request as stored with the saga: everything a later driver needs, the spec resolved. */
export interface ProvisionRequest {
  /** Chosen when the saga is created, so every driver creates the same VM. */
  readonly vmId: string;
  readonly name: string;
  readonly productId: string | null;
  readonly spec: VmSize;
  readonly guestOs: string;
  /** Licence and add-on SKUs the VM carries (the product's included ones too). Absent in sagas stored before they existed: none. */
  readonly licences?: readonly string[];
  readonly addOns?: readonly string[];
  /** The organisation's ancestors from the root, then itself. */
  readonly orgPath: readonly string[];
  /** Who asked (token subject). */
  readonly actor: string;
}

export interface Saga {
  readonly id: string;
  readonly organizationId: string;
  readonly idempotencyKey: string;
  readonly requestHash: string;
  readonly request: ProvisionRequest;
  readonly state: SagaState;
  readonly attempt: number;
  readonly priceMinor: bigint;
  readonly currency: string;
  readonly holdId: string | null;
  readonly vmId: string | null;
  readonly ipAddress: string | null;
  readonly errorCode: string | null;
  readonly errorMessage: string | null;
  readonly updatedAt: Date;
}

/** What the client sent, as the idempotency key's fingerprint: the same key with another request is a CONFLICT. */
export interface ClientRequest {
  readonly organizationId: string;
  readonly name: string;
  readonly productId: string | null;
  readonly spec: VmSize | null;
  readonly guestOs: string;
  /** The licences and add-ons as the client listed them (the licence a Windows Server guest implies follows from guestOs). */
  readonly licences: readonly string[];
  readonly addOns: readonly string[];
}

export function requestHash(request: ClientRequest): string {
  const canonical = JSON.stringify([
    request.organizationId,
    request.name,
    request.productId,
    request.spec && Object.entries(request.spec).sort(),
    request.guestOs,
    // Only when there are some: a request without extras keeps the fingerprint it had before they existed.
    ...(request.licences.length + request.addOns.length > 0 ? [[...request.licences], [...request.addOns]] : []),
  ]);
  return createHash('sha256').update(canonical).digest('hex');
}

/** Idempotency keys for the remote steps, derived from the saga: a repeated step is the same request. */
export const sagaKeys = {
  hold: (saga: Pick<Saga, 'id' | 'attempt'>) => `vms-saga:${saga.id}:hold:${saga.attempt}`,
  release: (saga: Pick<Saga, 'id'>) => `vms-saga:${saga.id}:release`,
};
