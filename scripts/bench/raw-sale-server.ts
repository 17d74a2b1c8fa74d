/**
 * The raw floor for `bench:sale`: a Socket.IO server whose `sale:commit` handler does the same
 * writes as the real sale commit (idempotency key, prices, stock, ledger, cash session, folio,
 * TED, sale + lines + payments + outbox) with plain `pg` statements and no validation, ORM,
 * rooms or events, in no more round trips than the real commit (6), each a named prepared
 * statement as the real commit's are (planned once per connection). Started as its own process
 * by scripts/bench-sale.ts.
 */
import { createServer } from 'node:http';
import { parseCaf, stampTed } from '@erp/sii-core';
import pg from 'pg';
import { Server } from 'socket.io';
import { SecretBox } from '../../server/src/platform/secrets.ts';

const { DATABASE_URL, PORT, TENANT_ID, SECRETS_KEY } = process.env;
// The same pool settings as the server's ORM (platform/orm.ts).
const pool = new pg.Pool({ connectionString: DATABASE_URL, min: 2, max: 10, idleTimeoutMillis: 60_000 });
// Connections closed by the server at shutdown must not crash the floor process.
pool.on('error', () => undefined);
const box = new SecretBox(SECRETS_KEY);
const cafs = new Map<string, ReturnType<typeof parseCaf>>();

interface RawSale {
  saleId: string;
  terminalId: string;
  cashSessionId: string;
  storeId: string;
  warehouseId: string;
  lines: { productId: string; quantity: string; unitPrice: number }[];
  payments: { method: 'cash'; tendered: number }[];
}

async function commit(sale: RawSale) {
  const c = await pool.connect();
  try {
    // Transaction and tenant in one round trip, as the real session opens them.
    await c.query(`begin; select set_config('app.tenant_id', '${TENANT_ID}', true)`);
    const ids = sale.lines.map((l) => l.productId);
    const prices = await c.query({
      name: 'claim',
      text: `with k as (insert into idempotency_key (key, tenant_id, scope, request_hash) values ($1, current_tenant_id(), 'sale:commit', 'raw') on conflict do nothing)
       select id, code, name, price from product where id = any($2::uuid[])`,
      values: [sale.saleId, ids],
    });
    const total = sale.lines.reduce((sum, l) => sum + l.unitPrice * Number(l.quantity), 0);
    const moved = JSON.stringify(sale.lines.map((l) => ({ p: l.productId, q: l.quantity })));
    await c.query({
      name: 'stock',
      text: `with m as (select * from jsonb_to_recordset($2::jsonb) as x(p uuid, q numeric)),
            -- lock in product order, as the real ledger does, so concurrent carts cannot deadlock
            lk as (select s.product_id from stock_level s where s.warehouse_id = $1 and s.product_id in (select p from m)
                    order by s.product_id for update),
            u as (update stock_level s set quantity = s.quantity - m.q from m, lk
                   where s.warehouse_id = $1 and s.product_id = m.p and lk.product_id = m.p
                   returning s.product_id, s.quantity, s.average_cost, m.q)
       insert into stock_movement (id, tenant_id, warehouse_id, product_id, kind, quantity, unit_cost, resulting_quantity, resulting_average_cost)
       select gen_random_uuid(), current_tenant_id(), $1, u.product_id, 'sale', -u.q, u.average_cost, u.quantity, u.average_cost from u`,
      values: [sale.warehouseId, moved],
    });
    const folio = await c.query({
      name: 'folio',
      text: `update caf set next_folio = next_folio + 1 where id = (select id from caf where doc_type = 39 and next_folio <= folio_to order by folio_from limit 1)
       returning next_folio - 1 as folio, id, caf_xml, private_key_sealed`,
    });
    const row = folio.rows[0];
    let caf = cafs.get(row.id);
    if (!caf) {
      caf = parseCaf(
        `<AUTORIZACION>${row.caf_xml}<RSASK>${box.open(row.private_key_sealed, TENANT_ID!)}</RSASK></AUTORIZACION>`,
      );
      cafs.set(row.id, caf);
    }
    const ted = stampTed(
      {
        issuerRut: caf.issuerRut,
        type: 39,
        folio: row.folio,
        issueDate: '2026-11-24',
        receiverRut: '66666666-6',
        receiverName: 'Consumidor final',
        total,
        firstItemName: prices.rows[0].name,
      },
      caf,
      '2026-11-24T10:00:00',
    );
    // The same documents the real commit stores: the DTE data for the SII worker, the receipt for
    // the hub, and the ack as the idempotent result (plain objects, no validation or rounding).
    const names = new Map(prices.rows.map((p) => [p.id, p]));
    const issuer = { rut: caf.issuerRut, address: 'Calle 1', activity: 'Comercio', businessName: 'Empresa' };
    const issuedAt = new Date().toISOString();
    const outbox = JSON.stringify([
      {
        topic: 'sii.document',
        key: `sale-${sale.saleId}`,
        payload: {
          type: 39,
          folio: row.folio,
          saleId: sale.saleId,
          issuedAt,
          stampedAt: '2026-11-24T10:00:00',
          document: {
            type: 39,
            issueDate: '2026-11-24',
            issuer: {
              ...issuer,
              acteco: [471100],
              commune: 'Santiago',
              resolution: { date: '2026-01-01', number: 0 },
            },
            receiver: { rut: '66666666-6' },
            lines: sale.lines.map((l) => ({
              code: { type: 'INT1', value: names.get(l.productId).code },
              name: names.get(l.productId).name,
              unit: 'UN',
              quantity: l.quantity,
              unitPrice: String(l.unitPrice),
            })),
            references: [],
            adjustments: [],
            paymentMethod: 1,
            serviceIndicator: 3,
          },
        },
      },
      {
        topic: 'print.receipt',
        key: `sale-${sale.saleId}`,
        payload: {
          jobId: sale.saleId,
          storeId: sale.storeId,
          terminalId: sale.terminalId,
          document: {
            kind: 'boleta',
            folio: row.folio,
            issuer: { ...issuer, comuna: 'Santiago', siiOffice: 'S.I.I. - SANTIAGO' },
            lines: sale.lines.map((l) => ({
              description: names.get(l.productId).name,
              unit: 'un',
              quantity: l.quantity,
              unitPrice: l.unitPrice,
              discount: 0,
              amount: l.unitPrice * Number(l.quantity),
            })),
            totals: { total, net: Math.round(total / 1.19), iva: total - Math.round(total / 1.19) },
            payments: [{ method: 'cash', amount: total }],
            change: 10,
            timbre: { ted },
          },
        },
      },
    ]);
    const result = {
      saleId: sale.saleId,
      docType: 39,
      folio: row.folio,
      issuedAt,
      net: Math.round(total / 1.19),
      iva: total - Math.round(total / 1.19),
      exempt: 0,
      total,
      toPay: total,
      cashRounding: 0,
      paidCash: total,
      paidCard: 0,
      change: 10,
      ted,
    };
    await c.query({
      name: 'sale',
      text: `with s as (insert into sale (id, tenant_id, kind, store_id, terminal_id, warehouse_id, cash_session_id, cashier_id, doc_type, folio, caf_id,
                    issue_date, net, iva, exempt, total, paid_cash, ted)
                  select $1, current_tenant_id(), 'sale', $2, $3, $4, $5, cashier_id, 39, $6, $7, current_date, 0, 0, 0, $8, $8, $9
                    from cash_session where id = $5 returning id),
            l as (insert into sale_line (tenant_id, sale_id, line_no, product_id, name, quantity, unit_price, list_price, amount)
                  select current_tenant_id(), (select id from s), x.n, x.p, x.nm, x.q, x.u, x.u, x.u from jsonb_to_recordset($10::jsonb) as x(n int, p uuid, nm text, q numeric, u bigint)),
            p as (insert into sale_payment (tenant_id, sale_id, seq, method, amount) select current_tenant_id(), (select id from s), 1, 'cash', $8),
            o as (insert into outbox (tenant_id, topic, key, payload)
                  select current_tenant_id(), x.topic, x.key, x.payload from jsonb_to_recordset($11::jsonb) as x(topic text, key text, payload jsonb)),
            -- the cash tally travels with the sale, as in the real commit
            cs as (update cash_session set cash_sales = cash_sales + $8, ticket_count = ticket_count + 1 where id = $5 and status = 'open' and terminal_id = $3 and store_id = $2)
       update idempotency_key set result = $12::jsonb where key = $1`,
      values: [
        sale.saleId,
        sale.storeId,
        sale.terminalId,
        sale.warehouseId,
        sale.cashSessionId,
        row.folio,
        row.id,
        total,
        ted,
        JSON.stringify(
          sale.lines.map((l, i) => ({
            n: i + 1,
            p: l.productId,
            nm: names.get(l.productId).name,
            q: l.quantity,
            u: l.unitPrice,
          })),
        ),
        outbox,
        JSON.stringify(result),
      ],
    });
    await c.query('commit');
    return { ok: true, data: result };
  } catch (error) {
    await c.query('rollback');
    return { ok: false, error: { code: 'INTERNAL', message: (error as Error).message } };
  } finally {
    c.release();
  }
}

const http = createServer();
const io = new Server(http, { serveClient: false });
io.on('connection', (socket) => {
  socket.on('sale:commit', async (sale: RawSale, ack: (r: unknown) => void) => ack(await commit(sale)));
});
http.listen(Number(PORT), '127.0.0.1', () => console.log('raw sale server ready'));
process.on('SIGTERM', () => {
  io.close();
  void pool.end().then(() => process.exit(0));
});
