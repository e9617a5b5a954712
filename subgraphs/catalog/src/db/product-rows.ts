import type { Selectable } from 'kysely';
import type { CpuSpeedClass, StorageTier } from '../domain/vm-spec.ts';
import type { Product, ProductKind } from '../domain/product.ts';
import type { ProductsTable } from './types.ts';

/** Row → domain, shared by the repositories that read products. Rows never leave src/db. */
export type ProductRow = Selectable<ProductsTable>;

export function toProduct(row: ProductRow): Product {
  const kind = row.kind as ProductKind;
  return {
    id: row.id,
    sku: row.sku,
    name: row.name,
    description: row.description,
    kind,
    categoryId: row.category_id,
    vmSpec:
      kind === 'VM_SIZE'
        ? {
            vcpu: row.vcpu ?? 0,
            cpuSpeed: row.cpu_speed as CpuSpeedClass,
            memoryGib: row.memory_gib ?? 0,
            diskGib: row.disk_gib ?? 0,
            storageTier: row.storage_tier as StorageTier,
            licences: row.licences,
            addOns: row.add_ons,
          }
        : null,
    storageBlock: kind === 'STORAGE' ? { sizeGib: row.disk_gib ?? 0, tier: row.storage_tier as StorageTier } : null,
    active: row.active,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** Domain → insertable columns. */
export function productColumns(product: Product) {
  const vm = product.vmSpec;
  return {
    id: product.id,
    sku: product.sku,
    name: product.name,
    description: product.description,
    kind: product.kind,
    category_id: product.categoryId,
    vcpu: vm?.vcpu ?? null,
    cpu_speed: vm?.cpuSpeed ?? null,
    memory_gib: vm?.memoryGib ?? null,
    disk_gib: vm?.diskGib ?? product.storageBlock?.sizeGib ?? null,
    storage_tier: vm?.storageTier ?? product.storageBlock?.tier ?? null,
    licences: [...(vm?.licences ?? [])],
    add_ons: [...(vm?.addOns ?? [])],
    active: product.active,
    created_at: product.createdAt,
    updated_at: product.updatedAt,
  };
}
