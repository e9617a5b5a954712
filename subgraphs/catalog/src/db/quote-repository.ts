import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { minorFromDb } from '@platform/kernel';
import type { ComponentLine } from '../domain/price-lookup.ts';
import type { Quote, QuoteLine, QuoteStatus } from '../domain/quote.ts';
import type { VmSpec } from '../domain/vm-spec.ts';
import type { CatalogDatabase, QuoteLinesTable, QuotesTable } from './types.ts';

type Db = Kysely<CatalogDatabase>;
type QuoteRow = Selectable<QuotesTable>;
type LineRow = Selectable<QuoteLinesTable>;

function toQuote(row: QuoteRow): Quote {
  return {
    id: row.id,
    organizationId: row.organization_id,
    status: row.status as QuoteStatus,
    currency: row.currency,
    pricedAt: row.priced_at,
    validUntil: row.valid_until,
    subtotalMinor: minorFromDb(row.subtotal_minor),
    vatRate: { id: row.vat_rate_id, basisPoints: row.vat_rate_bp, effectiveFrom: row.vat_effective_from },
    vatMinor: minorFromDb(row.vat_minor),
    totalMinor: minorFromDb(row.total_minor),
    createdBy: row.created_by,
    createdAt: row.created_at,
    acceptedAt: row.accepted_at,
    expiredAt: row.expired_at,
  };
}

/** Components are stored as JSON with amounts as strings (JSON has no bigint) and dates as ISO strings. */
interface StoredComponent {
  productId: string;
  sku: string;
  description: string;
  quantity: number;
  unitMonthlyMinor: string;
  priceId: string;
  priceEffectiveFrom: string;
}

const storeComponent = (c: ComponentLine): StoredComponent => ({
  productId: c.productId,
  sku: c.sku,
  description: c.description,
  quantity: c.quantity,
  unitMonthlyMinor: c.unitMonthlyMinor.toString(),
  priceId: c.priceId,
  priceEffectiveFrom: c.priceEffectiveFrom.toISOString(),
});

function loadComponent(c: StoredComponent): ComponentLine {
  const unitMonthlyMinor = BigInt(c.unitMonthlyMinor);
  return {
    productId: c.productId,
    sku: c.sku,
    description: c.description,
    quantity: c.quantity,
    unitMonthlyMinor,
    monthlyMinor: unitMonthlyMinor * BigInt(c.quantity),
    priceId: c.priceId,
    priceEffectiveFrom: new Date(c.priceEffectiveFrom),
  };
}

function toLine(row: LineRow): QuoteLine {
  return {
    id: row.id,
    quoteId: row.quote_id,
    position: row.position,
    productId: row.product_id,
    spec: (row.spec ?? null) as VmSpec | null,
    description: row.description,
    quantity: row.quantity,
    months: row.months,
    hours: row.hours,
    unitMonthlyMinor: minorFromDb(row.unit_monthly_minor),
    amountMinor: minorFromDb(row.amount_minor),
    components: (row.components as StoredComponent[]).map(loadComponent),
  };
}

export async function insertQuote(trx: Transaction<CatalogDatabase>, quote: Quote, lines: readonly QuoteLine[]): Promise<void> {
  await trx
    .insertInto('quotes')
    .values({
      id: quote.id,
      organization_id: quote.organizationId,
      status: quote.status,
      currency: quote.currency,
      priced_at: quote.pricedAt,
      valid_until: quote.validUntil,
      subtotal_minor: quote.subtotalMinor,
      vat_rate_id: quote.vatRate.id,
      vat_rate_bp: quote.vatRate.basisPoints,
      vat_effective_from: quote.vatRate.effectiveFrom,
      vat_minor: quote.vatMinor,
      total_minor: quote.totalMinor,
      created_by: quote.createdBy,
      created_at: quote.createdAt,
      accepted_at: quote.acceptedAt,
      expired_at: quote.expiredAt,
    })
    .execute();
  await trx
    .insertInto('quote_lines')
    .values(
      lines.map((line) => ({
        id: line.id,
        quote_id: line.quoteId,
        position: line.position,
        product_id: line.productId,
        spec: line.spec ? JSON.stringify(line.spec) : null,
        description: line.description,
        quantity: line.quantity,
        months: line.months,
        hours: line.hours,
        unit_monthly_minor: line.unitMonthlyMinor,
        amount_minor: line.amountMinor,
        components: JSON.stringify(line.components.map(storeComponent)),
      })),
    )
    .execute();
}

export async function findQuotesByIds(db: Db, ids: readonly string[]): Promise<Quote[]> {
  if (ids.length === 0) return [];
  const rows = await db
    .selectFrom('quotes')
    .selectAll()
    .where('id', 'in', [...ids])
    .execute();
  return rows.map(toQuote);
}

/** The lines of each quote, in position order, in one statement. */
export async function findLinesOfQuotes(db: Db, quoteIds: readonly string[]): Promise<Map<string, QuoteLine[]>> {
  const byQuote = new Map<string, QuoteLine[]>(quoteIds.map((id) => [id, []]));
  if (quoteIds.length === 0) return byQuote;
  const rows = await db
    .selectFrom('quote_lines')
    .selectAll()
    .where('quote_id', 'in', [...quoteIds])
    .orderBy('quote_id')
    .orderBy('position')
    .execute();
  for (const row of rows) byQuote.get(row.quote_id)?.push(toLine(row));
  return byQuote;
}

/**
 * A page of quotes per organisation, newest first (ids are time-ordered), in one statement.
 * `status` filters by the status as it is at `now` (a draft past its validity counts as EXPIRED).
 */
export async function listQuotesOfOrganizations(
  db: Db,
  organizationIds: readonly string[],
  page: { fetch: number; beforeId: string | null; status: QuoteStatus | null; now: Date },
): Promise<Map<string, Quote[]>> {
  const byOrg = new Map<string, Quote[]>(organizationIds.map((id) => [id, []]));
  if (organizationIds.length === 0) return byOrg;
  const statusCondition =
    page.status === null
      ? sql`true`
      : page.status === 'EXPIRED'
        ? sql`(q.status = 'EXPIRED' or (q.status = 'DRAFT' and q.valid_until <= ${page.now}))`
        : page.status === 'DRAFT'
          ? sql`(q.status = 'DRAFT' and q.valid_until > ${page.now})`
          : sql`q.status = ${page.status}`;
  const { rows } = await sql<QuoteRow>`
    select q2.* from unnest(${[...organizationIds]}::uuid[]) as o(id)
    cross join lateral (
      select q.* from quotes q
      where q.organization_id = o.id and (${page.beforeId}::uuid is null or q.id < ${page.beforeId}::uuid) and ${statusCondition}
      order by q.id desc limit ${page.fetch}
    ) q2`.execute(db);
  for (const row of rows) byOrg.get(row.organization_id)?.push(toQuote(row));
  return byOrg;
}

/** DRAFT → ACCEPTED, only while valid; one conditional UPDATE, so concurrent accepts cannot both win. */
export async function markAccepted(trx: Transaction<CatalogDatabase>, id: string, now: Date): Promise<Quote | null> {
  const row = await trx
    .updateTable('quotes')
    .set({ status: 'ACCEPTED', accepted_at: now })
    .where('id', '=', id)
    .where('status', '=', 'DRAFT')
    .where('valid_until', '>', now)
    .returningAll()
    .executeTakeFirst();
  return row ? toQuote(row) : null;
}

/** DRAFT → EXPIRED; a draft already past its validity is recorded as expired at its validUntil. */
export async function markExpired(trx: Transaction<CatalogDatabase>, id: string, now: Date): Promise<Quote | null> {
  const row = await trx
    .updateTable('quotes')
    .set({ status: 'EXPIRED', expired_at: sql<Date>`least(${now}::timestamptz, valid_until)` })
    .where('id', '=', id)
    .where('status', '=', 'DRAFT')
    .returningAll()
    .executeTakeFirst();
  return row ? toQuote(row) : null;
}

/** Records every draft past its validity as expired; returns how many. */
export async function expireDueQuotes(db: Db, now: Date): Promise<number> {
  const result = await db
    .updateTable('quotes')
    .set({ status: 'EXPIRED', expired_at: sql<Date>`valid_until` })
    .where('status', '=', 'DRAFT')
    .where('valid_until', '<=', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}
