import { randomUUID } from 'node:crypto';
import { verifyTed } from '@erp/sii-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { TEST_PIN, type TestServer, type TestTenant } from '../../test/harness.ts';
import type { TestProduct, Till } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { withTenant } from '../platform/orm.ts';

let server: TestServer;
let tenant: TestTenant;
let products: TestProduct[];
let till: Till;
const [PAN, LECHE] = [0, 1];

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return withTenant(server.orm, tenant.tenantId, (em) => em.execute<T[]>(sql, params));
}

async function ringSale() {
  const result = await till.socket.emitWithAck('sale:commit', {
    saleId: randomUUID(),
    terminalId: till.terminalId,
    cashSessionId: till.cashSessionId,
    lines: [
      { productId: products[LECHE]!.id, quantity: '3', unitPrice: 1190 },
      { productId: products[PAN]!.id, quantity: '1.000', unitPrice: 2490 },
    ],
    payments: [{ method: 'cash', tendered: 10000 }],
  });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return result.data;
}

function returnOf(saleId: string, extra: Record<string, unknown> = {}) {
  return {
    returnId: randomUUID(),
    terminalId: till.terminalId,
    cashSessionId: till.cashSessionId,
    original: { saleId },
    refundMethod: 'cash' as const,
    reason: 'Producto vencido',
    approval: { email: tenant.emails.supervisor, pin: TEST_PIN },
    ...extra,
  };
}

const shop = useSellingFixture({
  label: 'ret',
  stock: '100',
  stocked: [PAN, LECHE],
  cafs: [
    [39, 1, 100],
    [61, 1, 100],
    [33, 1, 100],
  ],
});
beforeAll(() => {
  ({ server, tenant, products, till } = shop);
});

describe('sale:return', () => {
  it('annuls a whole boleta with a nota de crédito 61 (CodRef 1), restocks and refunds cash', async () => {
    const sale = await ringSale();
    const before = await till.socket.emitWithAck('cash:report', { sessionId: till.cashSessionId });
    const returned = await till.socket.emitWithAck('sale:return', returnOf(sale.saleId));
    expect(returned).toMatchObject({ ok: true, data: { docType: 61, folio: 1 } });
    if (!returned.ok || !before.ok) return;
    expect(verifyTed(returned.data.ted)).toEqual({ ok: true });
    // 3 × 1190 + 2490 = 6060 with IVA: the NC credits the boleta's IVA-included amounts as they
    // were (MntBruto), 6060 = 5092 net + 968 IVA, exactly what was paid.
    expect(returned.data).toMatchObject({
      net: 5092,
      iva: 968,
      total: 6060,
      paidCash: -6060,
      cashRounding: 0,
      reference: {
        docType: 39,
        folio: sale.folio,
        date: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        code: 1,
      },
    });
    const [outbox] = await query<{ payload: { document: { grossAmounts: boolean; references: unknown[] } } }>(
      `select payload from outbox where topic = 'sii.document' and key = ?`,
      [`sale-${returned.data.saleId}`],
    );
    expect(outbox!.payload.document.grossAmounts).toBe(true);
    expect(outbox!.payload.document.references).toEqual([
      {
        type: '39',
        folio: String(sale.folio),
        date: expect.any(String),
        code: 1,
        reason: 'Producto vencido',
      },
    ]);
    const [stock] = await query<{ quantity: string }>(
      'select quantity from stock_level where product_id = ?',
      [products[LECHE]!.id],
    );
    expect(stock!.quantity).toBe('100.000');
    const after = await till.socket.emitWithAck('cash:report', { sessionId: till.cashSessionId });
    expect(after.ok && after.data.totals.cashRefunds - before.data.totals.cashRefunds).toBe(6060);
    const [audit] = await query<{ kind: string }>(`select kind from audit_log where kind = 'return'`);
    expect(audit).toEqual({ kind: 'return' });
  });

  it('returns part of a sale (CodRef 3) and refuses to return more than was sold', async () => {
    const sale = await ringSale();
    const partial = await till.socket.emitWithAck(
      'sale:return',
      returnOf(sale.saleId, { lines: [{ lineNo: 1, quantity: '2' }], refundMethod: 'card' }),
    );
    // Asked to refund to a card, but the sale was paid in cash: nothing goes to a card it never used.
    expect(partial).toMatchObject({
      ok: true,
      data: {
        docType: 61,
        net: 2000,
        iva: 380,
        total: 2380,
        paidCash: -2380,
        paidCard: 0,
        reference: { docType: 39, folio: sale.folio, code: 3 },
      },
    });
    const [doc] = await query<{ payload: { document: { references: { code: number }[] } } }>(
      `select payload from outbox where topic = 'sii.document' and key = ?`,
      [`sale-${partial.ok && partial.data.saleId}`],
    );
    expect(doc!.payload.document.references[0]!.code).toBe(3);
    const tooMuch = await till.socket.emitWithAck(
      'sale:return',
      returnOf(sale.saleId, { lines: [{ lineNo: 1, quantity: '2' }] }),
    );
    expect(tooMuch).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: expect.stringContaining('quedan 1.000') },
    });
  });

  it('finds the original by document type and folio, and answers a repeated return with the same NC', async () => {
    const sale = await ringSale();
    const input = returnOf(sale.saleId, { original: { docType: 39, folio: sale.folio } });
    const first = await till.socket.emitWithAck('sale:return', input);
    const again = await till.socket.emitWithAck('sale:return', input);
    expect(first.ok).toBe(true);
    expect(again).toEqual(first);
  });
});

describe('sale:find', () => {
  it('shows the original of a return by type and folio, with what was already returned and its notas de crédito', async () => {
    const sale = await ringSale();
    const partial = await till.socket.emitWithAck(
      'sale:return',
      returnOf(sale.saleId, { lines: [{ lineNo: 1, quantity: '1' }] }),
    );
    if (!partial.ok) throw new Error(JSON.stringify(partial.error));

    const found = await till.socket.emitWithAck('sale:find', {
      original: { docType: 39, folio: sale.folio },
    });
    expect(found).toEqual({
      ok: true,
      data: {
        saleId: sale.saleId,
        storeId: tenant.stores[0]!.id,
        docType: 39,
        folio: sale.folio,
        issuedAt: sale.issuedAt,
        issueDate: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
        total: 6060,
        paidCash: 6060,
        paidCard: 0,
        customer: null,
        lines: [
          {
            lineNo: 1,
            productId: products[LECHE]!.id,
            name: products[LECHE]!.name,
            weighable: false,
            quantity: '3.000',
            returned: '1.000',
            unitPrice: 1190,
            discount: 0,
            amount: 3570,
          },
          {
            lineNo: 2,
            productId: products[PAN]!.id,
            name: products[PAN]!.name,
            weighable: true,
            quantity: '1.000',
            returned: '0.000',
            unitPrice: 2490,
            discount: 0,
            amount: 2490,
          },
        ],
        creditNotes: [
          { folio: partial.data.folio, total: partial.data.total, issuedAt: partial.data.issuedAt },
        ],
      },
    });
    const byId = await till.socket.emitWithAck('sale:find', { original: { saleId: sale.saleId } });
    expect(byId.ok && byId.data.folio).toBe(sale.folio);
  });

  it("shows a factura's customer, whom the nota de crédito will name", async () => {
    const factura = await till.socket.emitWithAck('sale:commit', {
      saleId: randomUUID(),
      terminalId: till.terminalId,
      cashSessionId: till.cashSessionId,
      docType: 33,
      customer: {
        rut: '77.123.456-9',
        razonSocial: 'Comercial Ñuñoa Ltda.',
        giro: 'Almacén',
        address: 'Irarrázaval 100',
        comuna: 'Ñuñoa',
      },
      lines: [{ productId: products[LECHE]!.id, quantity: '2', unitPrice: 1190 }],
      payments: [{ method: 'card', amount: 2380, authorizationCode: 'A1' }],
    });
    if (!factura.ok) throw new Error(JSON.stringify(factura.error));
    const found = await till.socket.emitWithAck('sale:find', {
      original: { docType: 33, folio: factura.data.folio },
    });
    expect(found).toMatchObject({
      ok: true,
      data: {
        docType: 33,
        total: 2380,
        paidCash: 0,
        paidCard: 2380,
        customer: { rut: '77123456-9', razonSocial: 'Comercial Ñuñoa Ltda.' },
      },
    });
  });

  it('answers NOT_FOUND for a folio that was never issued, and never shows a nota de crédito as an original', async () => {
    const missing = await till.socket.emitWithAck('sale:find', { original: { docType: 39, folio: 99_999 } });
    expect(missing).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    const [note] = await query<{ folio: number }>(`select folio from sale where kind = 'return' limit 1`);
    const credit = await till.socket.emitWithAck('sale:find', {
      original: { docType: 61, folio: note!.folio },
    });
    expect(credit).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
  });
});
