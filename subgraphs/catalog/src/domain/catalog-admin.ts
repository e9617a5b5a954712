import type { Kysely } from 'kysely';
import { badInput, DEFAULT_CURRENCY, fail, inTransaction, isUniqueViolation, newId } from '@platform/kernel';
import { insertPrice } from '../db/price-repository.ts';
import { findCategoriesByIds, findProductsByIds, findProductsBySkus, insertCategory, insertProduct, updateProduct } from '../db/product-repository.ts';
import type { CatalogDatabase } from '../db/types.ts';
import { insertVatRate } from '../db/vat-repository.ts';
import type { NewPrice, NewProduct, NewVatRate, ProductPatch } from './catalog-input.ts';
import type { Category, PriceInForce, Product, ProductKind } from './product.ts';
import type { VatRate } from './vat.ts';
import type { VmSpec } from './vm-spec.ts';

// Catalogue administration (provider staff; the resolver checks who). Commands arrive parsed; a
// constraint that still trips inside the transaction becomes CONFLICT, nothing written.

export const slugOf = (name: string): string =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');

/** Runs `work`, turning a unique violation into CONFLICT naming `field`. */
async function unique<T>(work: () => Promise<T>, field: string, message: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error)) throw fail('CONFLICT', message, { field });
    throw error;
  }
}

export class CatalogAdmin {
  constructor(private readonly db: Kysely<CatalogDatabase>) {}

  async createCategory(name: string): Promise<Category> {
    const category: Category = { id: newId(), code: slugOf(name) || newId(), name };
    await unique(() => inTransaction(this.db, (trx) => insertCategory(trx, category)), 'name', `A category named "${name}" already exists.`);
    return category;
  }

  async createProduct(command: NewProduct, now: Date): Promise<Product> {
    await this.requireCategory(command.categoryId);
    if (command.vmSpec) await this.checkExtras(command.vmSpec);
    const { monthlyMinor, priceEffectiveFrom, ...fields } = command;
    const product: Product = { id: newId(), ...fields, active: true, createdAt: now, updatedAt: now };
    const price: PriceInForce = { id: newId(), productId: product.id, monthlyMinor, currency: DEFAULT_CURRENCY, effectiveFrom: priceEffectiveFrom };
    const write = () =>
      inTransaction(this.db, async (trx) => {
        await insertProduct(trx, product);
        await insertPrice(trx, price);
      });
    await unique(write, 'sku', `A product with SKU ${command.sku} already exists.`);
    return product;
  }

  async updateProduct(id: string, patch: ProductPatch, now: Date): Promise<Product> {
    if (patch.categoryId !== undefined) await this.requireCategory(patch.categoryId);
    const updated = await inTransaction(this.db, (trx) => updateProduct(trx, id, patch, now));
    if (!updated) throw fail('NOT_FOUND', 'Product not found.');
    return updated;
  }

  /** A new price from a future instant; it succeeds the one in force then. Past prices are never touched. */
  async scheduleProductPrice(command: NewPrice): Promise<PriceInForce> {
    if ((await findProductsByIds(this.db, [command.productId])).length === 0) throw badInput('productId', 'no product has this id.');
    const price: PriceInForce = { id: newId(), currency: DEFAULT_CURRENCY, ...command };
    const at = command.effectiveFrom.toISOString();
    await unique(() => inTransaction(this.db, (trx) => insertPrice(trx, price)), 'effectiveFrom', `A price for this product already starts at ${at}.`);
    return price;
  }

  async scheduleVatRate(command: NewVatRate): Promise<VatRate> {
    const rate: VatRate = { id: newId(), ...command };
    const at = command.effectiveFrom.toISOString();
    await unique(() => inTransaction(this.db, (trx) => insertVatRate(trx, rate)), 'effectiveFrom', `A VAT rate already starts at ${at}.`);
    return rate;
  }

  private async requireCategory(categoryId: string): Promise<void> {
    if ((await findCategoriesByIds(this.db, [categoryId])).length === 0) throw badInput('categoryId', 'no category has this id.');
  }

  /** A VM size's licences and add-ons must be products of those kinds. */
  private async checkExtras(spec: VmSpec): Promise<void> {
    const found = new Map((await findProductsBySkus(this.db, [...spec.licences, ...spec.addOns])).map((p) => [p.sku, p.kind]));
    const check = (skus: readonly string[], kind: ProductKind, field: string) =>
      skus.forEach((sku, i) => {
        if (found.get(sku) !== kind) throw badInput(`${field}[${i}]`, `no ${kind} product has SKU ${sku}.`);
      });
    check(spec.licences, 'LICENCE', 'vmSpec.licences');
    check(spec.addOns, 'ADD_ON', 'vmSpec.addOns');
  }
}
