import type { SalesReportKind } from '@erp/shared';
import type { SqlExecutor } from '../platform/sql-session.ts';

/**
 * The sales reports' SQL: each report is one statement, built from fragments by the report's
 * grouping, after a transaction-local `work_mem`.
 */

export interface SalesReportQuery {
  report: SalesReportKind;
  from: string;
  to: string;
  storeId?: string | undefined;
}

/**
 * The period's documents (`s`): sales count positive, notas de crédito (returns) negative.
 * `net` includes exempt sales: it is what the business earned before costs. `cost` holds each
 * ledger row those documents wrote, at its PPP, rounded to pesos once (a sale's quantities are
 * negative: a cost; a return's positive: cost given back), with the document's day, store and
 * cashier, so any report adds up these same integers and their totals agree. The covering index
 * answers each document's rows from the index alone. The payment report needs no cost, so it
 * never reads the ledger.
 */
function periodSql(query: SalesReportQuery, withCost: boolean): { sql: string; params: unknown[] } {
  return {
    sql: `s as materialized (
      select id, kind, store_id, cashier_id, issue_date, total, net + exempt as net_total, net, exempt,
             paid_cash, paid_card, case when kind = 'return' then -1 else 1 end as sign
        from sale
       where tenant_id = current_tenant_id() and issue_date between ?::date and ?::date
             ${query.storeId ? 'and store_id = ?' : ''}
    ),
    cost as (
      select s.issue_date, s.store_id, s.cashier_id, m.product_id, round(-m.quantity * m.unit_cost)::bigint as cost
        from s join stock_movement m on m.tenant_id = current_tenant_id() and m.document_id = s.id
    ),
    totals as (
      select count(*) filter (where kind = 'sale') as tickets, count(*) filter (where kind = 'return') as returns,
             coalesce(sum(sign * total), 0) as total, coalesce(sum(sign * net_total), 0) as net,
             coalesce(sum(paid_cash + paid_card), 0) as collected,
             ${withCost ? '(select coalesce(sum(cost), 0) from cost)' : 'null::bigint'} as cost
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

/**
 * The period's lines, each with its share of its document's total and net (net per tax group:
 * afecto lines share the net, exempt lines the exempt amount), signed like their document. All
 * four windows follow one order, so the lines are sorted once.
 */
const LINES = `
  lines as (
    select s.id as sale_id, s.sign, l.product_id, s.sign * l.quantity as quantity,
           s.sign * ${share('s.total', 'sum(l.amount) over w_all', 'l.amount', 'sum(l.amount) over w_doc')} as total,
           s.sign * ${share('case when l.exempt then s.exempt else s.net end', 'sum(l.amount) over w_group', 'l.amount', 'sum(l.amount) over w_tax')} as net
      -- One primary-key look-up per document: OFFSET 0 keeps the planner from hashing every
      -- line the tenant ever sold to join one period's documents.
      from s cross join lateral (
        select l.product_id, l.quantity, l.amount, l.exempt, l.line_no
          from sale_line l where l.sale_id = s.id offset 0) l
    window w_doc as (partition by s.id),
           w_all as (partition by s.id order by l.exempt, l.line_no),
           w_tax as (partition by s.id, l.exempt),
           w_group as (partition by s.id, l.exempt order by l.line_no)
  )`;

/** Which column of `s` and of `cost` a report groups by; a category comes from the product. */
type GroupColumn = 'issue_date' | 'store_id' | 'cashier_id' | 'product_id' | 'category';

interface Grouping {
  /** Documents (`s`) or lines (`lines`) carry the revenue. */
  revenue: 'documents' | 'lines';
  by: GroupColumn;
  /** The key as the row's text `key`, from the grouped row `g`. */
  keyText: string;
  /** Label (and detail) of a group `g`, with joins on `g.key`. */
  label: string;
  detail?: string;
  labelJoin?: string;
  quantity?: boolean;
  order: string;
}

const GROUPINGS: Record<Exclude<SalesReportKind, 'payment'>, Grouping> = {
  day: {
    revenue: 'documents',
    by: 'issue_date',
    keyText: `to_char(g.key, 'YYYY-MM-DD')`,
    label: `to_char(g.key, 'YYYY-MM-DD')`,
    order: 'key',
  },
  store: {
    revenue: 'documents',
    by: 'store_id',
    keyText: 'g.key::text',
    label: 'st.name',
    labelJoin: 'left join store st on st.id = g.key',
    order: 'net desc, label',
  },
  cashier: {
    revenue: 'documents',
    by: 'cashier_id',
    keyText: 'g.key::text',
    // A user who left the company is no longer visible to it: show who it was by id.
    label: `coalesce(u.name, 'Usuario ' || left(g.key::text, 8))`,
    labelJoin: 'left join app_user u on u.id = g.key',
    order: 'net desc, label',
  },
  product: {
    revenue: 'lines',
    by: 'product_id',
    keyText: 'g.key::text',
    label: 'p.name',
    detail: 'p.code',
    labelJoin: 'join product p on p.id = g.key',
    quantity: true,
    order: 'net desc, label',
  },
  category: {
    revenue: 'lines',
    by: 'category',
    keyText: 'g.key',
    label: `coalesce(nullif(g.key, ''), 'Sin categoría')`,
    order: 'net desc, label',
  },
};

/** `alias`'s group column, through its product for a category. */
function groupColumn(by: GroupColumn, alias: string): { column: string; join: string } {
  return by === 'category'
    ? { column: 'p.category', join: `join product p on p.id = ${alias}.product_id` }
    : { column: `${alias}.${by}`, join: '' };
}

/**
 * Revenue and cost are added up by key on their own (documents or lines, and ledger rows) and
 * joined per group, so no row of one is joined to the rows of the other.
 */
function groupedSql(grouping: Grouping): string {
  const revenue = groupColumn(grouping.by, grouping.revenue === 'documents' ? 's' : 'f');
  const cost = groupColumn(grouping.by, 'c');
  const revenueSql =
    grouping.revenue === 'documents'
      ? `select ${revenue.column} as key, count(*) filter (where s.sign = 1) as tickets,
                count(*) filter (where s.sign = -1) as returns, null::text as quantity,
                sum(s.sign * s.total) as total, sum(s.sign * s.net_total) as net
           from s group by 1`
      : `select ${revenue.column} as key,
                count(distinct f.sale_id) filter (where f.sign = 1) as tickets,
                count(distinct f.sale_id) filter (where f.sign = -1) as returns,
                ${grouping.quantity ? 'sum(f.quantity)::text' : 'null::text'} as quantity,
                sum(f.total) as total, sum(f.net) as net
           from lines f ${revenue.join} group by 1`;
  return `${grouping.revenue === 'lines' ? `${LINES},` : ''}
    revenue as (${revenueSql}),
    cost_by_key as (select ${cost.column} as key, sum(c.cost) as cost from cost c ${cost.join} group by 1),
    labelled as (
      select ${grouping.keyText} as key, g.tickets, g.returns, g.quantity, g.total, g.net,
             coalesce(k.cost, 0) as cost, ${grouping.label} as label, ${grouping.detail ?? 'null::text'} as detail
        from revenue g left join cost_by_key k on k.key = g.key ${grouping.labelJoin ?? ''}
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

export interface FigureRow {
  tickets: number | string;
  returns: number | string;
  quantity: string | null;
  total: number | string;
  net: number | string | null;
  cost: number | string | null;
}

export interface SalesReportResult {
  rows: (FigureRow & { key: string; label: string; detail: string | null })[] | null;
  row_count: string;
  totals: FigureRow & { collected: string };
}

/** A report's page of rows (every row when `page` is null), its row count and its totals. */
export async function readSalesReport(
  em: SqlExecutor,
  query: SalesReportQuery,
  page: { offset: number; limit: number } | null,
): Promise<SalesReportResult> {
  const payment = query.report === 'payment';
  const period = periodSql(query, !payment);
  const grouping = query.report === 'payment' ? null : GROUPINGS[query.report];
  const body = grouping ? groupedSql(grouping) : PAYMENT_SQL;
  const order = grouping ? grouping.order : 'position';
  // A year of a busy store's lines sorts in memory instead of on disk; for this transaction only.
  await em.execute(`select set_config('work_mem', '64MB', true)`);
  const [result] = await em.execute<SalesReportResult[]>(
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
  return result!;
}
