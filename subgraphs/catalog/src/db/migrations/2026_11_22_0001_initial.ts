import { sql, type Kysely } from 'kysely';

// Frozen once merged. Money is bigint minor units, rates are integer basis points.

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('categories')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('products')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('sku', 'text', (c) =>
      c
        .notNull()
        .unique()
        .check(sql`sku ~ '^[A-Z0-9][A-Z0-9-]{1,39}$'`),
    )
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 1 and 200`))
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('VM_SIZE', 'CPU', 'MEMORY', 'STORAGE', 'LICENCE', 'ADD_ON')`))
    .addColumn('category_id', 'uuid', (c) => c.notNull().references('categories.id'))
    .addColumn('vcpu', 'integer', (c) => c.check(sql`vcpu between 1 and 64`))
    .addColumn('cpu_speed', 'text', (c) => c.check(sql`cpu_speed in ('STANDARD', 'ECONOMY')`))
    .addColumn('memory_gib', 'integer', (c) => c.check(sql`memory_gib between 1 and 512`))
    .addColumn('disk_gib', 'integer', (c) => c.check(sql`disk_gib between 1 and 10000`))
    .addColumn('storage_tier', 'text', (c) => c.check(sql`storage_tier in ('STANDARD', 'PREMIUM')`))
    .addColumn('licences', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('add_ons', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // The spec columns a kind carries, and only those.
    .addCheckConstraint(
      'products_spec_matches_kind',
      sql`case kind
        when 'VM_SIZE' then vcpu is not null and cpu_speed is not null and memory_gib is not null
                        and disk_gib between 20 and 10000 and storage_tier is not null
        when 'STORAGE' then vcpu is null and cpu_speed is null and memory_gib is null
                        and disk_gib is not null and storage_tier is not null
                        and cardinality(licences) = 0 and cardinality(add_ons) = 0
        else vcpu is null and cpu_speed is null and memory_gib is null and disk_gib is null
             and storage_tier is null and cardinality(licences) = 0 and cardinality(add_ons) = 0
      end`,
    )
    .execute();
  await db.schema.createIndex('products_category_sku').on('products').columns(['category_id', 'sku']).execute();

  await db.schema
    .createTable('prices')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('product_id', 'uuid', (c) => c.notNull().references('products.id'))
    .addColumn('monthly_minor', 'bigint', (c) => c.notNull().check(sql`monthly_minor >= 0 and monthly_minor <= 1000000000000000`))
    .addColumn('currency', 'text', (c) => c.notNull().defaultTo('ZAR'))
    .addColumn('effective_from', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // Also the index for "latest price at or before an instant" (scanned backwards).
    .addUniqueConstraint('prices_product_effective_from', ['product_id', 'effective_from'])
    .execute();

  await db.schema
    .createTable('vat_rates')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('rate_bp', 'integer', (c) => c.notNull().check(sql`rate_bp between 0 and 10000`))
    .addColumn('effective_from', 'timestamptz', (c) => c.notNull().unique())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // History is never edited, only succeeded: the database refuses UPDATE and DELETE.
  await sql`
    create function refuse_history_change() returns trigger language plpgsql as $$
    begin
      raise exception '% rows are append-only', tg_table_name using errcode = 'P0001';
    end $$`.execute(db);
  for (const table of ['prices', 'vat_rates']) {
    await sql`create trigger ${sql.raw(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function refuse_history_change()`.execute(db);
  }

  await db.schema
    .createTable('quotes')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('organization_id', 'uuid', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('DRAFT', 'ACCEPTED', 'EXPIRED')`))
    .addColumn('currency', 'text', (c) => c.notNull())
    .addColumn('priced_at', 'timestamptz', (c) => c.notNull())
    .addColumn('valid_until', 'timestamptz', (c) => c.notNull())
    .addColumn('subtotal_minor', 'bigint', (c) => c.notNull().check(sql`subtotal_minor >= 0`))
    .addColumn('vat_rate_id', 'uuid', (c) => c.notNull().references('vat_rates.id'))
    .addColumn('vat_rate_bp', 'integer', (c) => c.notNull())
    .addColumn('vat_effective_from', 'timestamptz', (c) => c.notNull())
    .addColumn('vat_minor', 'bigint', (c) => c.notNull().check(sql`vat_minor >= 0`))
    .addColumn('total_minor', 'bigint', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('accepted_at', 'timestamptz')
    .addColumn('expired_at', 'timestamptz')
    .addCheckConstraint('quotes_total_is_sum', sql`total_minor = subtotal_minor + vat_minor`)
    .addCheckConstraint('quotes_valid_after_created', sql`valid_until > created_at`)
    .addCheckConstraint('quotes_status_dates', sql`(status = 'ACCEPTED') = (accepted_at is not null) and (status = 'EXPIRED') = (expired_at is not null)`)
    .execute();
  await db.schema.createIndex('quotes_organization').on('quotes').columns(['organization_id', 'id']).execute();
  await db.schema.createIndex('quotes_draft_valid_until').on('quotes').column('valid_until').where(sql.ref('status'), '=', 'DRAFT').execute();

  await db.schema
    .createTable('quote_lines')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('quote_id', 'uuid', (c) => c.notNull().references('quotes.id'))
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('product_id', 'uuid', (c) => c.references('products.id'))
    .addColumn('spec', 'jsonb')
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('quantity', 'integer', (c) => c.notNull().check(sql`quantity > 0`))
    .addColumn('months', 'integer', (c) => c.check(sql`months > 0`))
    .addColumn('hours', 'integer', (c) => c.check(sql`hours > 0`))
    .addColumn('unit_monthly_minor', 'bigint', (c) => c.notNull().check(sql`unit_monthly_minor >= 0`))
    .addColumn('amount_minor', 'bigint', (c) => c.notNull().check(sql`amount_minor >= 0`))
    .addColumn('components', 'jsonb', (c) => c.notNull())
    .addUniqueConstraint('quote_lines_position', ['quote_id', 'position'])
    .addCheckConstraint('quote_lines_product_or_spec', sql`(product_id is null) <> (spec is null)`)
    .addCheckConstraint('quote_lines_months_or_hours', sql`(months is null) <> (hours is null)`)
    // Whole months involve no rounding, so the database can check the figure itself.
    .addCheckConstraint('quote_lines_monthly_amount', sql`months is null or amount_minor = unit_monthly_minor * quantity * months`)
    .execute();

  // A quote's figures are fixed once written; only a DRAFT may change, and only its status.
  await sql`
    create function guard_quote_update() returns trigger language plpgsql as $$
    begin
      if old.status <> 'DRAFT' then
        raise exception 'quote % is % and can no longer change', old.id, old.status using errcode = 'P0001';
      end if;
      if (new.organization_id, new.currency, new.priced_at, new.valid_until, new.subtotal_minor, new.vat_rate_id,
          new.vat_rate_bp, new.vat_minor, new.total_minor, new.created_by, new.created_at)
         is distinct from
         (old.organization_id, old.currency, old.priced_at, old.valid_until, old.subtotal_minor, old.vat_rate_id,
          old.vat_rate_bp, old.vat_minor, old.total_minor, old.created_by, old.created_at) then
        raise exception 'quote figures are immutable' using errcode = 'P0001';
      end if;
      return new;
    end $$`.execute(db);
  await sql`create trigger quotes_guard before update on quotes for each row execute function guard_quote_update()`.execute(db);
  await sql`create trigger quotes_no_delete before delete on quotes for each row execute function refuse_history_change()`.execute(db);
  await sql`create trigger quote_lines_append_only before update or delete on quote_lines
    for each row execute function refuse_history_change()`.execute(db);
  await db.schema.createIndex('quote_lines_quote').on('quote_lines').column('quote_id').execute();

  // Outbox and processed events: the shape every subgraph shares (kernel events/outbox.ts).
  await db.schema
    .createTable('outbox')
    .addColumn('id', 'uuid', (c) => c.primaryKey())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('payload', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('published_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('outbox_unpublished').on('outbox').column('id').where(sql.ref('published_at'), 'is', null).execute();
  await db.schema
    .createTable('processed_events')
    .addColumn('event_id', 'uuid', (c) => c.primaryKey())
    .addColumn('processed_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['processed_events', 'outbox', 'quote_lines', 'quotes', 'vat_rates', 'prices', 'products', 'categories']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
  await sql`drop function if exists guard_quote_update()`.execute(db);
  await sql`drop function if exists refuse_history_change()`.execute(db);
}
