import type { SalesFigures, SalesReport, SalesReportKind } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';

export interface SalesReportQuery {
  report: SalesReportKind;
  from: string;
  to: string;
  storeId?: string | undefined;
}

export type SalesReportData = z.infer<typeof SalesReport>;
type Figures = z.infer<typeof SalesFigures>;

/**
 * The period's documents: sales count positive, notas de crédito (returns) negative. `net`
 * includes exempt sales: it is what the business earned before costs.
 */
function periodSql(query: SalesReportQuery): { sql: string; params: unknown[] } {
  return {
    sql: `s as materialized (
      select id, kind, store_id, cashier_id, issue_date, total, net + exempt as net_total, net, exempt,
             paid_cash, paid_card, case when kind = 'return' then -1 else 1 end as sign
        from sale
       where tenant_id = current_tenant_id() and issue_date between ?::date and ?::date
             ${query.storeId ? 'and store_id = ?' : ''}
    ),
    cost as (
      -- Cost at PPP per document and product, from the ledger rows the sale (or return) wrote:
      -- a sale's quantities are negative (a cost), a return's positive (cost given back).
      select m.document_id as sale_id, m.product_id, round(-sum(m.quantity * m.unit_cost))::bigint as cost
        from stock_movement m join s on s.id = m.document_id
       where m.tenant_id = current_tenant_id()
       group by 1, 2
    ),
    totals as (
      select count(*) filter (where kind = 'sale') as tickets, count(*) filter (where kind = 'return') as returns,
             coalesce(sum(sign * total), 0) as total, coalesce(sum(sign * net_total), 0) as net,
             coalesce(sum(paid_cash + paid_card), 0) as collected,
             (select coalesce(sum(cost), 0) from cost) as cost
        from s
    )`,
    params: [query.from, query.to, ...(query.storeId ? [query.storeId] : [])],
  };
}

/**
 * `value` split over a document's lines in proportion to their amounts, by cumulative rounding:
 * each line gets round(value × amounts so far / all) minus the same for the lines before it, so
 * the shares are whole pesos that add up exactly to the document's figure.
 */
function share(value: string, cumulative: string, amount: string, sum: string): string {
  return `case when ${sum} = 0 then 0 else round(${value}::numeric * ${cumulative} / ${sum})
            - round(${value}::numeric * (${cumulative} - ${amount}) / ${sum}) end`;
}

/** Documents of the period with their cost: the fact table of the day, store and cashier reports. */
const PER_DOCUMENT = `
  sale_cost as (select sale_id, sum(cost) as cost from cost group by 1),
  facts as (
    select s.id as sale_id, s.sign, s.issue_date, s.store_id, s.cashier_id, s.sign * s.total as total,
           s.sign * s.net_total as net_total, coalesce(c.cost, 0) as cost
      from s left join sale_cost c on c.sale_id = s.id
  )`;

/**
 * Document × product facts: the document's total and net shared over its lines (net per tax
 * group: afecto lines share the net, exempt lines the exempt amount), with the product's cost.
 */
const PER_PRODUCT = `
  lines as (
    select l.sale_id, l.product_id, l.quantity, l.amount, s.sign, s.total as doc_total,
           case when l.exempt then s.exempt else s.net end as group_net,
           sum(l.amount) over (partition by l.sale_id) as all_sum,
           sum(l.amount) over (partition by l.sale_id order by l.line_no) as all_cum,
           sum(l.amount) over (partition by l.sale_id, l.exempt) as group_sum,
           sum(l.amount) over (partition by l.sale_id, l.exempt order by l.line_no) as group_cum
      from sale_line l join s on s.id = l.sale_id
     where l.tenant_id = current_tenant_id()
  ),
  shares as (
    select sale_id, product_id, sign, sum(quantity) as quantity,
           sum(${share('doc_total', 'all_cum', 'amount', 'all_sum')}) as total,
           sum(${share('group_net', 'group_cum', 'amount', 'group_sum')}) as net
      from lines group by 1, 2, 3
  ),
  facts as (
    select f.sale_id, f.product_id, f.sign, f.sign * f.quantity as quantity, f.sign * f.total as total,
           f.sign * f.net as net_total, coalesce(c.cost, 0) as cost
      from shares f left join cost c on c.sale_id = f.sale_id and c.product_id = f.product_id
  )`;

interface Grouping {
  facts: string;
  /** The group's key, from the `facts` alias `f` (and joins). */
  key: string;
  /** Extra joins of `facts f` for the key. */
  join?: string;
  /** Label (and detail) of a group `g`, with joins on `g.key`. */
  label: string;
  detail?: string;
  labelJoin?: string;
  quantity?: boolean;
  order: string;
}

const GROUPINGS: Record<Exclude<SalesReportKind, 'payment'>, Grouping> = {
  day: {
    facts: PER_DOCUMENT,
    key: `to_char(f.issue_date, 'YYYY-MM-DD')`,
    label: 'g.key',
    order: 'key',
  },
  store: {
    facts: PER_DOCUMENT,
    key: 'f.store_id::text',
    label: 'st.name',
    labelJoin: 'left join store st on st.id = g.key::uuid',
    order: 'net desc, label',
  },
  cashier: {
    facts: PER_DOCUMENT,
    key: 'f.cashier_id::text',
    // A user who left the company is no longer visible to it: show who it was by id.
    label: `coalesce(u.name, 'Usuario ' || left(g.key, 8))`,
    labelJoin: 'left join app_user u on u.id = g.key::uuid',
    order: 'net desc, label',
  },
  product: {
    facts: PER_PRODUCT,
    key: 'f.product_id::text',
    label: 'p.name',
    detail: 'p.code',
    labelJoin: 'join product p on p.id = g.key::uuid',
    quantity: true,
    order: 'net desc, label',
  },
  category: {
    facts: PER_PRODUCT,
    key: 'p.category',
    join: 'join product p on p.id = f.product_id',
    label: `coalesce(nullif(g.key, ''), 'Sin categoría')`,
    order: 'net desc, label',
  },
};

function groupedSql(grouping: Grouping): string {
  return `${grouping.facts},
    grouped as (
      select ${grouping.key} as key,
             count(distinct f.sale_id) filter (where f.sign = 1) as tickets,
             count(distinct f.sale_id) filter (where f.sign = -1) as returns,
             ${grouping.quantity ? 'sum(f.quantity)::text' : 'null::text'} as quantity,
             sum(f.total) as total, sum(f.net_total) as net, sum(f.cost) as cost
        from facts f ${grouping.join ?? ''}
       group by 1
    ),
    labelled as (
      select g.*, ${grouping.label} as label, ${grouping.detail ?? 'null::text'} as detail
        from grouped g ${grouping.labelJoin ?? ''}
    )`;
}

/** Both methods always show, even at zero; returns subtract what was refunded by each. */
const PAYMENT_SQL = `
  labelled as (
    select 'cash' as key, 'cash' as label, null::text as detail, null::text as quantity,
           count(*) filter (where kind = 'sale' and paid_cash <> 0) as tickets,
           count(*) filter (where kind = 'return' and paid_cash <> 0) as returns,
           coalesce(sum(paid_cash), 0) as total, null::bigint as net, null::bigint as cost, 1 as position
      from s
    union all
    select 'card', 'card', null, null,
           count(*) filter (where kind = 'sale' and paid_card <> 0),
           count(*) filter (where kind = 'return' and paid_card <> 0),
           coalesce(sum(paid_card), 0), null, null, 2
      from s
  )`;

interface FigureRow {
  tickets: number | string;
  returns: number | string;
  quantity: string | null;
  total: number | string;
  net: number | string | null;
  cost: number | string | null;
}

function figures(row: FigureRow): Figures {
  const net = row.net === null ? null : Number(row.net);
  const cost = row.cost === null ? null : Number(row.cost);
  return {
    tickets: Number(row.tickets),
    returns: Number(row.returns),
    quantity: row.quantity,
    total: Number(row.total),
    net,
    cost,
    margin: net === null || cost === null ? null : net - cost,
  };
}

/**
 * One sales report of a period (Chile days, both included), optionally one store's: one page of
 * its rows (all of them when `page` is null, for the CSV) and the period's totals, in one
 * statement that reads the period's documents once. Every report but the payment one has the
 * same totals: rows are shares of documents, so they add up to the documents exactly.
 */
export async function salesReport(
  em: EntityManager,
  query: SalesReportQuery,
  page: { offset: number; limit: number } | null,
): Promise<SalesReportData> {
  const period = periodSql(query);
  const payment = query.report === 'payment';
  const grouping = query.report === 'payment' ? null : GROUPINGS[query.report];
  const body = grouping ? groupedSql(grouping) : PAYMENT_SQL;
  const order = grouping ? grouping.order : 'position';
  const [result] = await em.execute<
    {
      rows: (FigureRow & { key: string; label: string; detail: string | null })[] | null;
      row_count: string;
      totals: FigureRow & { collected: string };
    }[]
  >(
    `with ${period.sql}, ${body},
     page as (
       select *, row_number() over (order by ${order}, key) as n from labelled
        order by n ${page ? 'limit ? offset ?' : ''}
     )
     select (select json_agg(page order by n) from page) as rows,
            (select count(*) from labelled) as row_count,
            (select row_to_json(totals) from totals) as totals`,
    [...period.params, ...(page ? [page.limit, page.offset] : [])],
  );
  const totals = result!.totals;
  return {
    items: (result!.rows ?? []).map((row) => ({
      key: row.key,
      label: row.label,
      detail: row.detail,
      ...figures(row),
    })),
    total: Number(result!.row_count),
    totals: payment
      ? figures({ ...totals, quantity: null, total: totals.collected, net: null, cost: null })
      : figures({ ...totals, quantity: null }),
  };
}
