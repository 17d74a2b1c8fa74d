import type { AdditionalTaxCode } from '@erp/shared';
import { type AuditRow, INSERT_AUDIT_SQL } from '../audit/index.ts';
import type { SqlFragment } from '../platform/sql-fragment.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
import type { StoredPromotion } from '../promotions/index.ts';
import type { ReceiverData } from './sale-document.ts';
import type { PricedLine } from './sale-pricing.ts';
import type { SaleResultData, Seller } from './sales.service.ts';

/**
 * The statements of the sale commit, the measured hot path: it runs on `withTenantSql`, where
 * each distinct text is a named prepared statement, so the texts here are built the same way on
 * every call. Every function runs in the caller's tenant transaction.
 */

/**
 * Inserts the operation key unless it exists and, in the same statement, runs `read`: one row
 * per row read (or one row with `found__` null when the read finds none), each telling whether
 * this call claimed the key.
 */
export function claimKeyRows<R extends object>(
  em: SqlExecutor,
  scope: string,
  key: string,
  hash: string,
  read?: SqlFragment,
): Promise<(R & { claimed__: boolean; found__: true | null })[]> {
  return em.execute<(R & { claimed__: boolean; found__: true | null })[]>(
    `with claim as (
       insert into idempotency_key (key, tenant_id, scope, request_hash) values (?, current_tenant_id(), ?, ?)
       on conflict (key) do nothing returning key)
     select exists (select 1 from claim) as claimed__, r.*
       from (select 1) as one
       left join (select true as found__, x.* from (${read?.sql ?? 'select'}) as x) as r on true`,
    [key, scope, hash, ...(read?.params ?? [])],
  );
}

/** A claimed key as stored: its scope, request hash and result (null until the work commits). */
export async function storedKey<T>(
  em: SqlExecutor,
  key: string,
): Promise<{ scope: string; request_hash: string; result: T | null } | undefined> {
  const [stored] = await em.execute<{ scope: string; request_hash: string; result: T | null }[]>(
    'select scope, request_hash, result from idempotency_key where key = ?',
    [key],
  );
  return stored;
}

export interface ProductPriceRow {
  id: string;
  code: string;
  name: string;
  unit: string;
  weighable: boolean;
  active: boolean;
  exempt: boolean;
  additionalTax: AdditionalTaxCode | null;
  price: number;
  /** The catalog's category name: what category promotions match. */
  category: string;
  /** The store's promotions, the same on every row (`cartProductsQuery`). */
  promotions: StoredPromotion[];
}

/**
 * Reads the current price (store override first) and sale data of the cart's products, with the
 * store's promotions (`storePromotionsJson`, the same value on every row) in the same round trip.
 */
export function cartProductsQuery(
  storeId: string,
  lines: readonly { productId: string }[],
  promotions: SqlFragment,
): SqlFragment {
  const ids = [...new Set(lines.map((l) => l.productId))];
  return {
    sql: `select p.id, p.code, p.name, p.unit, p.weighable, p.active, p.exempt, p.additional_tax as "additionalTax",
                   p.category, coalesce(sp.price, p.price) as price, ${promotions.sql} as promotions
            from product p left join store_price sp on sp.product_id = p.id and sp.store_id = ?
           where p.id = any(?::uuid[])`,
    params: [...promotions.params, storeId, `{${ids.join(',')}}`],
  };
}

/**
 * `cartProductsQuery` as it was at an instant (an offline sale's): the current prices, put back
 * by the price changes audited since then (the earliest one's `before`), store price first.
 */
export function cartProductsAtQuery(
  storeId: string,
  lines: readonly { productId: string }[],
  at: Date,
  promotions: SqlFragment,
): SqlFragment {
  const ids = [...new Set(lines.map((l) => l.productId))];
  const since = (alias: string, scope: string) =>
    `left join lateral (select a.details as d from audit_log a
       where a.kind = 'price_change' and a.created_at > ?::timestamptz and a.details->>'productId' = p.id::text
         and ${scope} order by a.created_at limit 1) ${alias} on true`;
  return {
    sql: `select p.id, p.code, p.name, p.unit, p.weighable, p.active, p.exempt, p.additional_tax as "additionalTax",
                 p.category,
                 coalesce(case when sc.d is null then sp.price else (sc.d->>'before')::integer end,
                          case when bc.d is null then p.price else (bc.d->>'before')::integer end) as price,
                 ${promotions.sql} as promotions
            from product p left join store_price sp on sp.product_id = p.id and sp.store_id = ?
                 ${since('sc', `a.details->>'storeId' = ?`)}
                 ${since('bc', `a.details->>'storeId' is null`)}
           where p.id = any(?::uuid[])`,
    params: [
      ...promotions.params,
      storeId,
      at.toISOString(),
      storeId,
      at.toISOString(),
      `{${ids.join(',')}}`,
    ],
  };
}

export interface StoreContextRow {
  rut: string;
  razon_social: string;
  giro: string;
  address: string;
  comuna: string;
  acteco: number;
  sii_resolution_number: number;
  sii_resolution_date: string;
  settings: unknown;
  store_address: string;
  store_comuna: string;
  sii_branch_code: number | null;
  warehouse_id: string | null;
}

/** The company, its settings, the store and the store's selling warehouse (the first by code). */
export async function storeContextRow(
  em: SqlExecutor,
  storeId: string,
): Promise<StoreContextRow | undefined> {
  const [row] = await em.execute<StoreContextRow[]>(
    `select t.rut, t.razon_social, t.giro, t.address, t.comuna, t.acteco, t.sii_resolution_number,
            to_char(t.sii_resolution_date, 'YYYY-MM-DD') as sii_resolution_date, t.settings,
            s.address as store_address, s.comuna as store_comuna, s.sii_branch_code,
            (select w.id from warehouse w where w.store_id = s.id order by w.code limit 1) as warehouse_id
       from tenant t join store s on s.tenant_id = t.id where s.id = ?`,
    [storeId],
  );
  return row;
}

export interface OutboxRow {
  topic: 'sii.document' | 'print.receipt';
  key: string;
  payload: unknown;
}

export interface SaleRecord {
  kind?: 'sale' | 'return';
  seller: Seller;
  input: { saleId: string; terminalId: string };
  session: { id: string };
  warehouseId: string;
  cafId: string;
  receiver: (ReceiverData & { id?: string }) | null;
  result: SaleResultData;
  lines: readonly (PricedLine & { unitCost?: string; originalLineNo?: number; discountDetail?: unknown })[];
  /** The ticket discount: the pesos it took off the total and how it was given. */
  discount?: { amount: number; detail: unknown };
  payments: readonly {
    method: 'cash' | 'card' | 'fiado';
    amount: number;
    tendered?: number;
    change?: number;
    authorizationCode?: string;
  }[];
  stampedAt: string;
  originalSaleId?: string;
  authorizedBy?: string;
  outbox: readonly OutboxRow[];
  audit: readonly AuditRow[];
  /**
   * Other domains' writes sent in the same statement (the stock ledger, the cash tally). Each
   * must return rows (`returning`) or none; their row counts are the result, in order.
   */
  alongside?: readonly SqlFragment[];
}

/**
 * Writes a stamped sale (or return) in ONE statement: the sale, its lines and payments, the
 * outbox rows, the audit entries, the stored result of its idempotency key and, when given,
 * its stock ledger rows. Sent right after
 * the folio is taken, so the folio lock is held for this round trip and the commit only.
 */
export async function insertSale(em: SqlExecutor, record: SaleRecord): Promise<number[]> {
  const { result } = record;
  const alongside = record.alongside ?? [];
  const [counts] = await em.execute<{ counts: number[] }[]>(
    `with ${alongside.map((cte, i) => `w${i} as (${cte.sql}),`).join(' ')}
     s as (
       insert into sale (id, tenant_id, kind, store_id, terminal_id, warehouse_id, cash_session_id, cashier_id, authorized_by,
                         doc_type, folio, caf_id, customer_id, original_sale_id, issued_at, issue_date,
                         net, iva, exempt, total, cash_rounding, paid_cash, paid_card, change_given, ted,
                         discount, discount_detail)
       values (?, current_tenant_id(), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,
               (select id from customer where rut = ?), ?, ?, ?::date, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb)
       returning id),
     l as (
       insert into sale_line (tenant_id, sale_id, line_no, product_id, name, quantity, unit_price, list_price, discount, amount,
                              exempt, additional_tax, unit_cost, original_line_no, discount_detail, promotions)
       select current_tenant_id(), (select id from s), x."lineNo", x."productId", x.name, x.quantity, x."unitPrice", x."listPrice",
              x.discount, x.amount, x.exempt, x."additionalTax", coalesce(x."unitCost", 0), x."originalLineNo", x."discountDetail",
              x.promotions
         from jsonb_to_recordset(?::jsonb) as x("lineNo" int, "productId" uuid, name text, quantity numeric, "unitPrice" bigint,
              "listPrice" bigint, discount bigint, amount bigint, exempt boolean, "additionalTax" int, "unitCost" numeric,
              "originalLineNo" int, "discountDetail" jsonb, promotions jsonb)),
     p as (
       insert into sale_payment (tenant_id, sale_id, seq, method, amount, tendered, change, authorization_code)
       select current_tenant_id(), (select id from s), x.seq, x.method, x.amount, x.tendered, x.change, x."authorizationCode"
         from jsonb_to_recordset(?::jsonb) as x(seq int, method text, amount bigint, tendered bigint, change bigint,
              "authorizationCode" text)),
     o as (
       insert into outbox (tenant_id, topic, key, payload)
       select current_tenant_id(), x.topic, x.key, x.payload from jsonb_to_recordset(?::jsonb) as x(topic text, key text, payload jsonb)),
     a as (${INSERT_AUDIT_SQL}),
     k as (update idempotency_key set result = ?::jsonb where key = ?)
     select array[${alongside.map((_, i) => `(select count(*) from w${i})::int`).join(', ')}]::int[] as counts`,
    [
      ...alongside.flatMap((cte) => cte.params),
      result.saleId,
      record.kind ?? 'sale',
      record.seller.storeId,
      record.input.terminalId,
      record.warehouseId,
      record.session.id,
      record.seller.userId,
      record.authorizedBy ?? null,
      result.docType,
      result.folio,
      record.cafId,
      record.receiver?.rut ?? null,
      record.originalSaleId ?? null,
      result.issuedAt,
      record.stampedAt.slice(0, 10),
      result.net,
      result.iva,
      result.exempt,
      result.total,
      result.cashRounding,
      result.paidCash,
      result.paidCard,
      result.change,
      result.ted,
      record.discount?.amount ?? 0,
      record.discount?.detail ? JSON.stringify(record.discount.detail) : null,
      JSON.stringify(record.lines.map((line, i) => ({ ...line, amount: line.amount, lineNo: i + 1 }))),
      JSON.stringify(record.payments.map((p, i) => ({ ...p, seq: i + 1 }))),
      JSON.stringify(record.outbox),
      JSON.stringify(record.audit),
      JSON.stringify(result),
      result.saleId,
    ],
  );
  return counts!.counts;
}
