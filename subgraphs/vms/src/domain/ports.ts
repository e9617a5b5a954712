import type { VmSize } from '@platform/kernel';

export interface PricedVm {
  readonly monthlyMinor: bigint;
  readonly currency: string;
  /** The spec: the product's for a VM size, else the one asked for. */
  readonly spec: VmSize;
  /** The LICENCE / ADD_ON SKUs a VM size includes (its price covers them); none for a custom spec. */
  readonly included: VmExtras;
}

/** Catalogue LICENCE and ADD_ON products a VM carries, by SKU. */
export interface VmExtras {
  readonly licences: readonly string[];
  readonly addOns: readonly string[];
}

/** catalog, scope catalog:price. Throws BAD_USER_INPUT naming productId/spec.* for what cannot be priced. */
export interface PricingPort {
  price(subject: { readonly productId: string } | { readonly spec: VmSize }, at: Date): Promise<PricedVm>;
  /**
   * The monthly price of these extras at `at`, summed. Throws BAD_USER_INPUT naming `licences[i]` / `addOns[i]`
   * for a SKU that is not an active product of that kind with a price in force.
   */
  priceExtras(extras: VmExtras, at: Date): Promise<{ readonly monthlyMinor: bigint; readonly currency: string }>;
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
