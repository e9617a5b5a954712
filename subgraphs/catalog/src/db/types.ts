import type { ColumnType } from 'kysely';
import type { OutboxTables } from '@platform/kernel';

/** PostgreSQL bigint: pg hands it over as a string; bigint or string goes in. */
type Minor = ColumnType<string, bigint | string, bigint | string>;
type CreatedAt = ColumnType<Date, Date | undefined, never>;

export interface CategoriesTable {
  id: string;
  code: string;
  name: string;
  created_at: CreatedAt;
}

export interface ProductsTable {
  id: string;
  sku: string;
  name: string;
  description: string;
  kind: string;
  category_id: string;
  /** VM_SIZE: all five set. STORAGE: disk_gib and storage_tier. Others: none. */
  vcpu: number | null;
  cpu_speed: string | null;
  memory_gib: number | null;
  disk_gib: number | null;
  storage_tier: string | null;
  licences: ColumnType<string[], string[] | undefined, string[]>;
  add_ons: ColumnType<string[], string[] | undefined, string[]>;
  active: ColumnType<boolean, boolean | undefined, boolean>;
  created_at: CreatedAt;
  updated_at: ColumnType<Date, Date | undefined, Date>;
}

/** Append-only (a trigger refuses update and delete). */
export interface PricesTable {
  id: string;
  product_id: string;
  monthly_minor: Minor;
  currency: string;
  effective_from: Date;
  created_at: CreatedAt;
}

/** Append-only, like prices. */
export interface VatRatesTable {
  id: string;
  rate_bp: number;
  effective_from: Date;
  created_at: CreatedAt;
}

export interface QuotesTable {
  id: string;
  organization_id: string;
  status: string;
  currency: string;
  priced_at: Date;
  valid_until: Date;
  subtotal_minor: Minor;
  vat_rate_id: string;
  vat_rate_bp: number;
  vat_effective_from: Date;
  vat_minor: Minor;
  total_minor: Minor;
  created_by: string;
  created_at: Date;
  accepted_at: Date | null;
  expired_at: Date | null;
}

export interface QuoteLinesTable {
  id: string;
  quote_id: string;
  position: number;
  product_id: string | null;
  /** The custom VM spec as JSON, for spec lines. */
  spec: ColumnType<unknown, string | null, never>;
  description: string;
  quantity: number;
  months: number | null;
  hours: number | null;
  unit_monthly_minor: Minor;
  amount_minor: Minor;
  /** The component prices the unit price was built from (JSON; amounts as strings). */
  components: ColumnType<unknown, string, never>;
}

export interface CatalogDatabase extends OutboxTables {
  categories: CategoriesTable;
  products: ProductsTable;
  prices: PricesTable;
  vat_rates: VatRatesTable;
  quotes: QuotesTable;
  quote_lines: QuoteLinesTable;
}
