import type { WriteOffReason } from '@erp/shared';
import { Filters } from '../platform/list-filters.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';

/** The mermas report's SQL: one statement over the period's mermas and their ledger rows. */

export interface WriteOffReportQuery {
  from: string;
  to: string;
  storeId?: string | undefined;
}

export interface WriteOffProductFigures {
  product_id: string;
  code: string;
  name: string;
  unit: string;
  quantity: string;
  count: number;
  value: number;
  by_reason: Record<WriteOffReason, number>;
}

export interface WriteOffReportResult {
  rows: WriteOffProductFigures[] | null;
  row_count: string;
  reasons: { reason: WriteOffReason; count: number; value: number }[] | null;
  totals: { count: number; value: number };
}

/**
 * The period's mermas (Chile days, both included; one store's warehouses when `storeId` is
 * given), each valued from its own ledger row: round(quantity × the PPP it left at) in pesos,
 * rounded once per merma. Per product, per reason and the grand total all add up those same
 * integers, so they agree exactly. Products are ordered by value, largest first.
 */
export async function readWriteOffReport(
  em: SqlExecutor,
  query: WriteOffReportQuery,
  page: { offset: number; limit: number } | null,
): Promise<WriteOffReportResult> {
  const filters = new Filters('wo.tenant_id = current_tenant_id()')
    .days('wo.created_at', query)
    .when(query.storeId, 'wh.store_id = ?');
  const [result] = await em.execute<WriteOffReportResult[]>(
    `with v as materialized (
       select wo.product_id, wo.reason, -m.quantity as quantity, round(-m.quantity * m.unit_cost)::bigint as value
         from stock_write_off wo
         join warehouse wh on wh.id = wo.warehouse_id
         join stock_movement m on m.tenant_id = current_tenant_id() and m.document_id = wo.id
       ${filters.where}
     ),
     labelled as (
       select v.product_id, p.code, p.name, p.unit, sum(v.quantity)::text as quantity, count(*) as count,
              sum(v.value) as value,
              jsonb_build_object(
                'expired', coalesce(sum(v.value) filter (where v.reason = 'expired'), 0),
                'damaged', coalesce(sum(v.value) filter (where v.reason = 'damaged'), 0),
                'theft', coalesce(sum(v.value) filter (where v.reason = 'theft'), 0),
                'internal_use', coalesce(sum(v.value) filter (where v.reason = 'internal_use'), 0)) as by_reason
         from v join product p on p.id = v.product_id
        group by v.product_id, p.code, p.name, p.unit
     ),
     page as (
       select *, row_number() over (order by value desc, name, code) as n from labelled
        order by n ${page ? 'limit ? offset ?' : ''}
     )
     select (select json_agg(page order by n) from page) as rows,
            (select count(*) from labelled) as row_count,
            (select json_agg(r) from (select reason, count(*) as count, sum(value) as value from v group by reason) r)
              as reasons,
            (select json_build_object('count', count(*), 'value', coalesce(sum(value), 0)) from v) as totals`,
    [...filters.params, ...(page ? [page.limit, page.offset] : [])],
  );
  return result!;
}
