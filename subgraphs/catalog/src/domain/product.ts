import type { StorageTier, VmSpec } from './vm-spec.ts';

export const PRODUCT_KINDS = ['VM_SIZE', 'CPU', 'MEMORY', 'STORAGE', 'LICENCE', 'ADD_ON'] as const;
export type ProductKind = (typeof PRODUCT_KINDS)[number];

export interface StorageBlockSpec {
  readonly sizeGib: number;
  readonly tier: StorageTier;
}

export interface Product {
  readonly id: string;
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  readonly kind: ProductKind;
  readonly categoryId: string;
  /** Set for VM_SIZE only. */
  readonly vmSpec: VmSpec | null;
  /** Set for STORAGE only. */
  readonly storageBlock: StorageBlockSpec | null;
  readonly active: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface Category {
  readonly id: string;
  readonly code: string;
  readonly name: string;
}

/** A price as it is in force at some instant. */
export interface PriceInForce {
  readonly id: string;
  readonly productId: string;
  readonly monthlyMinor: bigint;
  readonly currency: string;
  readonly effectiveFrom: Date;
}

export interface ProductFilter {
  readonly categoryId?: string;
  readonly kind?: ProductKind;
  readonly active?: boolean;
  readonly minVcpu?: number;
  readonly minMemoryGib?: number;
  readonly search?: string;
}
