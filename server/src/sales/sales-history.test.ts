import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { type BusinessHistory, useBusinessHistory } from '../../test/backoffice-sales.ts';
import type { TestClient, TestServer, TestTenant } from '../../test/harness.ts';
import { withTenant } from '../platform/orm.ts';

let server: TestServer;
let tenant: TestTenant;
let other: TestTenant;
let history: BusinessHistory;
let admin: TestClient;
const business = useBusinessHistory('hist');
const socketOf = (t: TestTenant, email: string) => business.signIn(t, email);
beforeAll(() => {
  ({ server, tenant, other, history, admin } = business);
});

async function list(filters: Record<string, unknown> = {}, socket = admin) {
  const result = await socket.emitWithAck('sale:list', filters);
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data;
}

async function detail(saleId: string) {
  const result = await admin.emitWithAck('sale:detail', { saleId });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data;
}

describe('sale:list', () => {
  it('lists sales and returns newest first, with store, till, cashier and what was returned', async () => {
    const { ids, folios } = history;
    const page = await list({ from: history.yesterday, to: history.today });
    expect(page.total).toBe(5);
    expect(page.items.map((s) => s.id)).toEqual([ids.r1, ids.s4, ids.s3, ids.s1, ids.s2]);
    expect(page.items[3]).toEqual({
      id: ids.s1,
      kind: 'sale',
      storeId: tenant.stores[0]!.id,
      storeName: 'Tienda A',
      terminalName: expect.any(String),
      cashierId: tenant.users[tenant.emails.cashier],
      cashierName: 'Cajero',
      docType: 39,
      folio: folios.s1,
      issuedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      total: 5438,
      paidCash: 5440,
      paidCard: 0,
      returnedTotal: 1190,
    });
    expect(page.items[0]).toMatchObject({ kind: 'return', docType: 61, total: 1190, paidCash: -1190 });
  });

  it('filters by days, store, cashier, document type, folio and kind', async () => {
    const { ids, folios } = history;
    const idsOf = async (filters: Record<string, unknown>) => (await list(filters)).items.map((s) => s.id);
    expect(await idsOf({ from: history.today, to: history.today })).toEqual([ids.r1, ids.s4, ids.s3, ids.s1]);
    expect(await idsOf({ to: history.yesterday })).toEqual([ids.s2]);
    expect(await idsOf({ storeId: tenant.stores[1]!.id })).toEqual([ids.s3]);
    expect(await idsOf({ cashierId: tenant.users[tenant.emails.cashier2] })).toEqual([ids.s3]);
    expect(await idsOf({ docType: 33 })).toEqual([ids.s4]);
    expect(await idsOf({ docType: 39, folio: folios.s1 })).toEqual([ids.s1]);
    expect(await idsOf({ kind: 'return' })).toEqual([ids.r1]);
  });

  it('pages on the server', async () => {
    const first = await list({ limit: 2 });
    const last = await list({ limit: 2, offset: 4 });
    expect([first.items.length, first.total, last.items.length, last.total]).toEqual([2, 5, 1, 5]);
    expect(last.items[0]!.id).toBe(history.ids.s2);
  });
});

describe('sale:detail', () => {
  it('shows a sale with its lines, payments, SII document and nota de crédito', async () => {
    const { ids, folios, products } = history;
    // The worker files each stamped sale in the SII pipeline; here it is filed by hand.
    const documentId = randomUUID();
    await withTenant(server.orm, tenant.tenantId, (em) =>
      em.execute(
        `insert into dte_document (id, tenant_id, sale_id, doc_type, folio, issued_at, total, state, track_id, sii_detail)
         select ?, current_tenant_id(), id, doc_type, folio, issued_at, total, 'accepted', '12345', 'EPR: aceptado'
           from sale where id = ?`,
        [documentId, ids.s1],
      ),
    );
    const sale = await detail(ids.s1);
    expect(sale).toMatchObject({
      id: ids.s1,
      net: 4570,
      iva: 868,
      exempt: 0,
      total: 5438,
      cashRounding: 2,
      change: 4560,
      customer: null,
      authorizedByName: null,
      original: null,
      document: {
        id: documentId,
        saleId: ids.s1,
        docType: 39,
        folio: folios.s1,
        state: 'accepted',
        trackId: '12345',
        siiDetail: 'EPR: aceptado',
        total: 5438,
      },
      returns: [{ id: ids.r1, docType: 61, folio: folios.r1, issuedAt: expect.any(String), total: 1190 }],
    });
    expect(sale.lines).toEqual([
      {
        lineNo: 1,
        productId: products.leche.id,
        code: 'LEC-01',
        name: products.leche.name,
        quantity: '3.000',
        unitPrice: 1190,
        discount: 0,
        discounts: [],
        amount: 3570,
        exempt: false,
      },
      {
        lineNo: 2,
        productId: products.pan.id,
        code: 'PAN-01',
        name: products.pan.name,
        quantity: '0.750',
        unitPrice: 2490,
        discount: 0,
        discounts: [],
        amount: 1868,
        exempt: false,
      },
    ]);
    expect(sale.payments).toEqual([
      { method: 'cash', amount: 5440, tendered: 10000, change: 4560, authorizationCode: null },
    ]);
  });

  it('shows a return with the sale it credits and who authorized it, and a factura with its customer', async () => {
    const { ids, folios } = history;
    expect(await detail(ids.r1)).toMatchObject({
      kind: 'return',
      docType: 61,
      net: 1000,
      iva: 190,
      total: 1190,
      authorizedByName: 'Supervisor',
      original: { id: ids.s1, docType: 39, folio: folios.s1 },
      returns: [],
      document: null,
      payments: [{ method: 'cash', amount: 1190 }],
    });
    expect(await detail(ids.s4)).toMatchObject({
      docType: 33,
      net: 2000,
      iva: 380,
      customer: { rut: '11111111-1', razonSocial: 'Comercial Uno Ltda.' },
    });
    const s3 = await detail(ids.s3);
    expect(s3.payments.map((p) => [p.method, p.amount, p.authorizationCode])).toEqual([
      ['cash', 2180, null],
      ['card', 1000, 'B1'],
    ]);
  });

  it('answers NOT_FOUND for an unknown sale', async () => {
    expect(await admin.emitWithAck('sale:detail', { saleId: randomUUID() })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
  });
});

describe('audit:list', () => {
  it('lists the audit log newest first, filtered by kind, user and days', async () => {
    const cashierId = tenant.users[tenant.emails.cashier]!;
    const supervisorId = tenant.users[tenant.emails.supervisor]!;
    await withTenant(server.orm, tenant.tenantId, (em) =>
      em.execute(
        `insert into audit_log (tenant_id, store_id, terminal_id, user_id, kind, details, created_at)
         select current_tenant_id(), ?, null, ?, 'drawer_open', jsonb_build_object('n', n), now() - interval '2 days' + n * interval '1 minute'
           from generate_series(1, 3) as n`,
        [tenant.stores[0]!.id, supervisorId],
      ),
    );
    const all = await admin.emitWithAck('audit:list', {});
    expect(all.ok && all.data.total).toBe(4);
    expect(all.ok && all.data.items[0]).toEqual({
      id: expect.any(Number),
      kind: 'return',
      storeId: tenant.stores[0]!.id,
      terminalId: tenant.stores[0]!.terminalIds[0],
      userId: cashierId,
      userName: 'Cajero',
      storeName: 'Tienda A',
      details: expect.objectContaining({
        originalSaleId: history.ids.s1,
        creditNote: history.folios.r1,
        total: 1190,
      }),
      createdAt: expect.any(String),
    });
    const drawer = await admin.emitWithAck('audit:list', { kind: 'drawer_open', limit: 2 });
    expect(drawer.ok && [drawer.data.total, drawer.data.items.map((e) => e.details.n)]).toEqual([3, [3, 2]]);
    const bySupervisor = await admin.emitWithAck('audit:list', { userId: supervisorId, offset: 2 });
    expect(bySupervisor.ok && bySupervisor.data.items.map((e) => e.details.n)).toEqual([1]);
    const today = await admin.emitWithAck('audit:list', { from: history.today, to: history.today });
    expect(today.ok && today.data.items.map((e) => e.kind)).toEqual(['return']);
  });
});

describe('who may read sales', () => {
  it('lets supervisors read sales but not the audit log; cashiers and warehouse staff neither', async () => {
    const supervisor = await socketOf(tenant, tenant.emails.supervisor);
    expect((await list({}, supervisor)).total).toBe(5);
    expect(await supervisor.emitWithAck('audit:list', {})).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    for (const email of [tenant.emails.cashier, tenant.emails.warehouse]) {
      const socket = await socketOf(tenant, email);
      for (const [name, payload] of [
        ['sale:list', {}],
        ['sale:detail', { saleId: history.ids.s1 }],
        ['audit:list', {}],
      ] as const) {
        const emit = socket.emitWithAck.bind(socket) as (e: string, p: unknown) => Promise<unknown>;
        expect(await emit(name, payload), `${email} ${name}`).toMatchObject({
          ok: false,
          error: { code: 'FORBIDDEN' },
        });
      }
    }
  });

  it("shows another tenant none of this tenant's sales or audit entries", async () => {
    const otherAdmin = await socketOf(other, other.emails.admin);
    expect(await list({}, otherAdmin)).toEqual({ items: [], total: 0 });
    expect(await list({ storeId: tenant.stores[0]!.id }, otherAdmin)).toEqual({ items: [], total: 0 });
    expect(await otherAdmin.emitWithAck('sale:detail', { saleId: history.ids.s1 })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    });
    expect(await otherAdmin.emitWithAck('audit:list', {})).toEqual({
      ok: true,
      data: { items: [], total: 0 },
    });
  });
});
