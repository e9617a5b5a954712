import type { VmSize } from '@platform/kernel';

export interface PricedVm {
  readonly monthlyMinor: bigint;
  readonly currency: string;
  /** The spec: the product's for a VM size, else the one asked for. */
  readonly spec: VmSize;
}

/** catalog, scope catalog:price. Throws BAD_USER_INPUT naming productId/spec.* for what cannot be priced. */
export interface PricingPort {
  price(subject: { readonly productId: string } | { readonly spec: VmSize }, at: Date): Promise<PricedVm>;
}

export type HoldStatus = 'PENDING' | 'CAPTURED' | 'RELEASED' | 'EXPIRED';

export interface HoldView {
  readonly id: string;
  readonly status: HoldStatus;
}

export interface PlaceHold {
  readonly organizationId: string;
  readonly amountMinor: bigint;
  readonly currency: string;
  readonly idempotencyKey: string;
  readonly description: string;
  readonly reference: string;
  readonly expiresInSeconds: number;
}

/** wallet, scope wallet:hold. Refusals (INSUFFICIENT_FUNDS, INVALID_STATE, …) come as the kernel's ServiceRefusal. */
export interface WalletPort {
  placeHold(request: PlaceHold): Promise<HoldView>;
  releaseHold(holdId: string, idempotencyKey: string): Promise<HoldView>;
}
