/**
 * Discounts at the till, over real sockets: a line's or the ticket's, as a percentage or in
 * pesos, with a reason. Within the seller's limit they apply at once; above it only with a
 * supervisor's approval given with their PIN (never a wrong PIN, never a cashier's) and within
 * the supervisor's own limit. The server computes every peso with the POS's own code, so random
 * carts total the same on both; each discount is audited; the DTE of a discounted boleta and
 * factura validates against the SII schemas and its signatures verify with xmlsec1; a nota de
 * crédito of a discounted sale credits what was paid.
 */
import { randomUUID } from 'node:crypto';
import { BoletaDocument, type DteDocument, type DteType, type SaleCommit } from '@erp/shared';
import { buildDte } from '@erp/sii-core';
import { testCaf, testCredentials } from '@erp/sii-core/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { type CartDiscount, ticketAmounts } from '../../../client/src/stores/ticket-amounts.ts';
import { TEST_PIN } from '../../test/harness.ts';
import { signedSaleXml } from '../../test/sale-documents.ts';
import type { Till } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { withTenant } from '../platform/orm.ts';

const [PAN, LECHE, BEBIDA, HUEVOS] = [0, 1, 2, 3];
const RANDOM_SALES = 240;
const CUSTOMER = {
  rut: '77.123.456-9',
  razonSocial: 'Comercial Ñuñoa Ltda.',
  giro: 'Almacén',
  address: 'Irarrázaval 100',
  comuna: 'Ñuñoa',
};

const shop = useSellingFixture({
  label: 'discount',
  stock: '100000',
  cafs: [
    [39, 1, RANDOM_SALES + 100],
    [41, 1, RANDOM_SALES],
    [33, 1, RANDOM_SALES],
    [34, 1, RANDOM_SALES],
    [61, 1, 20],
  ],
});
/** The company's supervisor selling at store 0's second till: a 50 % limit. */
let supervisorTill: Till;

beforeAll(async () => {
  const store = shop.tenant.stores[0]!;
  const socket = await shop.signIn(shop.tenant, shop.tenant.emails.supervisor, {
    screen: 'pos',
    storeId: store.id,
  });
  const terminalId = store.terminalIds[1]!;
  const opened = await socket.emitWithAck('cash:open', { terminalId, openingFloat: 20_000 });
  if (!opened.ok) throw new Error(JSON.stringify(opened.error));
  supervisorTill = { socket, terminalId, cashSessionId: opened.data.id };
});

type Commit = z.input<typeof SaleCommit>;
type Line = { product: number; quantity: string; discount?: CartDiscount };

function wire(discount: CartDiscount | undefined) {
  if (!discount) return {};
  const { approvedBy: _, ...sent } = discount;
  return { discount: sent };
}

/** Rings a ticket up as the POS does: its preview (the POS's code), and the sale paid by card for that total. */
function ticket(lines: Line[], options: { discount?: CartDiscount; docType?: 39 | 33; till?: Till } = {}) {
  const products = shop.products;
  const docType = options.docType ?? 39;
  const preview = ticketAmounts(
    docType,
    lines.map((l) => ({
      quantity: l.quantity,
      unitPrice: products[l.product]!.price,
      exempt: products[l.product]!.exempt,
      ...(l.discount ? { discount: l.discount } : {}),
    })),
    options.discount,
  );
  const till = options.till ?? shop.till;
  const commit: Commit = {
    saleId: randomUUID(),
    terminalId: till.terminalId,
    cashSessionId: till.cashSessionId,
    docType,
    ...(docType === 33 ? { customer: CUSTOMER } : {}),
    lines: lines.map((l) => ({
      productId: products[l.product]!.id,
      quantity: l.quantity,
      unitPrice: products[l.product]!.price,
      ...wire(l.discount),
    })),
    ...wire(options.discount),
    payments: [{ method: 'card', amount: preview.total, authorizationCode: 'AUT-1' }],
  };
  return { preview, commit, send: () => till.socket.emitWithAck('sale:commit', commit) };
}

async function sold(lines: Line[], options: Parameters<typeof ticket>[1] = {}) {
  const { preview, send } = ticket(lines, options);
  const answer = await send();
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return { preview, result: answer.data };
}

function approve(
  discount: CartDiscount,
  options: { productId?: string | null; base: number; approval?: unknown; till?: Till },
) {
  const till = options.till ?? shop.till;
  return till.socket.emitWithAck('sale:approve-discount', {
    terminalId: till.terminalId,
    productId: options.productId ?? null,
    base: options.base,
    discount,
    approval: options.approval ?? { email: shop.tenant.emails.supervisor, pin: TEST_PIN },
  } as never);
}

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return withTenant(shop.server.orm, shop.tenant.tenantId, (em) => em.execute<T[]>(sql, params));
}

const auditOf = (saleId: string) =>
  query<{ user_id: string; details: Record<string, unknown> }>(
    `select user_id, details from audit_log where kind = 'discount' and details->>'saleId' = ? order by id`,
    [saleId],
  );

async function outboxDocument<T>(topic: 'sii.document' | 'print.receipt', saleId: string): Promise<T> {
  const [row] = await query<{ payload: { document: T } }>(
    `select payload from outbox where topic = ? and key = ?`,
    [topic, `sale-${saleId}`],
  );
  return row!.payload.document;
}

describe('discounts within the limit', () => {
  it('applies a line discount as a percentage and in pesos at once, and records who gave what, how much and why', async () => {
    const { preview, result } = await sold([
      { product: BEBIDA, quantity: '1', discount: { kind: 'percent', percent: '10', reason: 'damaged' } },
      {
        product: LECHE,
        quantity: '2',
        discount: { kind: 'amount', amount: 200, reason: 'frequent_customer', note: 'Don Lucho' },
      },
    ]);
    // 1990 − 199 + 2380 − 200.
    expect(result).toMatchObject({
      total: 3971,
      discounts: [
        { lineNo: 1, label: '10% dañado', amount: 199 },
        { lineNo: 2, label: 'cliente frecuente', amount: 200 },
      ],
    });
    expect(preview).toMatchObject({ total: 3971, subtotal: 3971, ticketDiscount: 0 });
    expect(
      await query(
        'select line_no, discount, amount, discount_detail from sale_line where sale_id = ? order by line_no',
        [result.saleId],
      ),
    ).toEqual([
      {
        line_no: 1,
        discount: '199',
        amount: '1791',
        discount_detail: { kind: 'percent', percent: '10', reason: 'damaged' },
      },
      {
        line_no: 2,
        discount: '200',
        amount: '2180',
        discount_detail: { kind: 'amount', amount: 200, reason: 'frequent_customer', note: 'Don Lucho' },
      },
    ]);
    const cashier = shop.tenant.users[shop.tenant.emails.cashier];
    expect(await auditOf(result.saleId)).toEqual([
      {
        user_id: cashier,
        details: {
          saleId: result.saleId,
          lineNo: 1,
          productId: shop.products[BEBIDA]!.id,
          name: shop.products[BEBIDA]!.name,
          discount: { kind: 'percent', percent: '10', reason: 'damaged' },
          label: '10% dañado',
          amount: 199,
        },
      },
      {
        user_id: cashier,
        details: expect.objectContaining({
          lineNo: 2,
          discount: { kind: 'amount', amount: 200, reason: 'frequent_customer', note: 'Don Lucho' },
          amount: 200,
        }),
      },
    ]);
    // The hub prints each discount with its reason.
    const receipt = await outboxDocument<{ lines: unknown[] }>('print.receipt', result.saleId);
    expect(receipt.lines).toMatchObject([
      { discount: 199, discountLabel: '10% dañado', amount: 1791 },
      { discount: 200, discountLabel: 'cliente frecuente', amount: 2180 },
    ]);
  });

  it('takes a ticket discount in pesos or as a percentage of what the lines come to, as a global discount', async () => {
    // 3 × 1190 + 1990 = 5560, $500 off.
    const pesos = await sold(
      [
        { product: LECHE, quantity: '3' },
        { product: BEBIDA, quantity: '1' },
      ],
      {
        discount: { kind: 'amount', amount: 500, reason: 'frequent_customer' },
      },
    );
    expect(pesos.result).toMatchObject({
      total: 5060,
      discounts: [{ lineNo: null, label: 'cliente frecuente', amount: 500 }],
    });
    expect(pesos.preview).toMatchObject({ subtotal: 5560, ticketDiscount: 500, total: 5060 });
    expect(await outboxDocument<DteDocument>('sii.document', pesos.result.saleId)).toMatchObject({
      adjustments: [{ kind: 'discount', amount: 500, description: 'Descuento ticket cliente frecuente' }],
    });
    expect(await outboxDocument('print.receipt', pesos.result.saleId)).toMatchObject({
      discounts: [{ label: 'Descuento ticket cliente frecuente', amount: 500 }],
      totals: { total: 5060 },
    });
    expect(
      await query('select discount, discount_detail from sale where id = ?', [pesos.result.saleId]),
    ).toEqual([
      { discount: '500', discount_detail: { kind: 'amount', amount: 500, reason: 'frequent_customer' } },
    ]);
    expect(await auditOf(pesos.result.saleId)).toMatchObject([
      { details: { lineNo: null, productId: null, name: 'Descuento ticket', amount: 500 } },
    ]);

    // After a 10 % line discount: 5560 − 199 = 5361; 10 % of it is 536. "Otro" says why in 40 characters.
    const why = 'Cumpleaños de la señora Ñúñez, 40 años!!';
    expect(why).toHaveLength(40);
    const percent = await sold(
      [
        { product: LECHE, quantity: '3' },
        { product: BEBIDA, quantity: '1', discount: { kind: 'percent', percent: '10', reason: 'damaged' } },
      ],
      { discount: { kind: 'percent', percent: '10', reason: 'other', note: why } },
    );
    expect(percent.result).toMatchObject({
      total: 4825,
      discounts: [
        { lineNo: 2, label: '10% dañado', amount: 199 },
        { lineNo: null, label: `10% ${why}`, amount: 536 },
      ],
    });
    // The hub's job takes the whole words; the document's GlosaDR keeps the first 45 characters.
    const printed = BoletaDocument.parse(await outboxDocument('print.receipt', percent.result.saleId));
    expect(printed.discounts).toEqual([{ label: `Descuento ticket 10% ${why}`, amount: 536 }]);
    const credentials = testCredentials();
    const document = await outboxDocument<DteDocument>('sii.document', percent.result.saleId);
    const xml = buildDte(document, { caf: testCaf(39), credentials, folio: percent.result.folio }).xml;
    expect(xml).toContain(`<GlosaDR>${`Descuento ticket 10% ${why}`.slice(0, 45)}</GlosaDR>`);

    // The back office's detail of the sale names each discount with its reason, as the receipt.
    const office = await shop.signIn(shop.tenant, shop.tenant.emails.admin, { screen: 'backoffice' });
    shop.keep(office);
    const detail = await office.emitWithAck('sale:detail', { saleId: percent.result.saleId });
    if (!detail.ok) throw new Error(JSON.stringify(detail.error));
    expect(detail.data.lines.map((l) => l.discounts)).toEqual([[], [{ label: '10% dañado', amount: 199 }]]);
    expect(detail.data.ticketDiscount).toEqual({ label: `Descuento ticket 10% ${why}`, amount: 536 });
  });
});

describe('discounts above the limit', () => {
  const twenty: CartDiscount = { kind: 'percent', percent: '20', reason: 'damaged' };

  it("needs a supervisor's PIN: refused without it, with a wrong PIN or a cashier's; taken once with it", async () => {
    const bebida = shop.products[BEBIDA]!;
    const line = (discount: CartDiscount): Line => ({ product: BEBIDA, quantity: '1', discount });
    expect(await ticket([line(twenty)]).send()).toEqual({
      ok: false,
      error: {
        code: 'DISCOUNT_NOT_ALLOWED',
        message:
          'El descuento en Bebida cola 1,5 L supera el 10% permitido para su rol: pida la autorización de un supervisor.',
      },
    });

    const supervisorId = shop.tenant.users[shop.tenant.emails.supervisor]!;
    const wrong = await approve(twenty, {
      productId: bebida.id,
      base: 1990,
      approval: { supervisorId, pin: '000001' },
    });
    expect(wrong).toMatchObject({ ok: false, error: { code: 'APPROVAL_INVALID' } });
    expect(
      await query(
        `select details from audit_log where kind = 'approval_refused' and details->>'action' = 'discount'`,
      ),
    ).toEqual([{ details: expect.objectContaining({ action: 'discount', supervisorId }) }]);
    const byCashier = await approve(twenty, {
      productId: bebida.id,
      base: 1990,
      approval: { email: shop.tenant.emails.cashier2, pin: TEST_PIN },
    });
    expect(byCashier).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const granted = await approve(twenty, { productId: bebida.id, base: 1990 });
    expect(granted).toEqual({
      ok: true,
      data: { approvalId: expect.any(String), approver: { userId: supervisorId, name: 'Supervisor' } },
    });
    if (!granted.ok) return;
    const approved = { ...twenty, approvalId: granted.data.approvalId };
    // Not another discount, nor the same one on another product.
    expect(await ticket([line({ ...approved, percent: '25' })]).send()).toMatchObject({
      ok: false,
      error: { code: 'APPROVAL_INVALID' },
    });
    expect(await ticket([{ product: LECHE, quantity: '1', discount: approved }]).send()).toMatchObject({
      ok: false,
      error: { code: 'APPROVAL_INVALID' },
    });

    const { result } = await sold([line(approved)]);
    expect(result).toMatchObject({
      total: 1592,
      discounts: [{ lineNo: 1, label: '20% dañado', amount: 398 }],
    });
    expect(await auditOf(result.saleId)).toMatchObject([
      {
        user_id: shop.tenant.users[shop.tenant.emails.cashier],
        details: { amount: 398, label: '20% dañado', approvedBy: supervisorId, approverName: 'Supervisor' },
      },
    ]);
    expect(await query('select discount_detail from sale_line where sale_id = ?', [result.saleId])).toEqual([
      { discount_detail: { kind: 'percent', percent: '20', reason: 'damaged', approvedBy: supervisorId } },
    ]);
    expect(
      await query('select sale_id from discount_approval where id = ?', [granted.data.approvalId]),
    ).toEqual([{ sale_id: result.saleId }]);
    // An approval serves one sale.
    expect(await ticket([line(approved)]).send()).toMatchObject({
      ok: false,
      error: { code: 'APPROVAL_INVALID' },
    });
  });

  it("stops at the approver's own limit, and lets a supervisor selling give up to theirs", async () => {
    const sixty: CartDiscount = { kind: 'percent', percent: '60', reason: 'damaged' };
    expect(await approve(sixty, { productId: shop.products[BEBIDA]!.id, base: 1990 })).toEqual({
      ok: false,
      error: { code: 'DISCOUNT_NOT_ALLOWED', message: 'Supervisor puede autorizar descuentos de hasta 50%.' },
    });
    const half: CartDiscount = { kind: 'percent', percent: '50', reason: 'price_adjustment' };
    const { result } = await sold([{ product: BEBIDA, quantity: '1', discount: half }], {
      till: supervisorTill,
    });
    expect(result).toMatchObject({ total: 995 });
    expect((await auditOf(result.saleId))[0]!.details).not.toHaveProperty('approvedBy');
  });

  it('approves a ticket discount above the limit the same way', async () => {
    const fifteen: CartDiscount = { kind: 'percent', percent: '15', reason: 'frequent_customer' };
    const lines: Line[] = [{ product: LECHE, quantity: '4' }];
    expect(await ticket(lines, { discount: fifteen }).send()).toMatchObject({
      ok: false,
      error: {
        code: 'DISCOUNT_NOT_ALLOWED',
        message:
          'El descuento del ticket supera el 10% permitido para su rol: pida la autorización de un supervisor.',
      },
    });
    const granted = await approve(fifteen, { base: 4760 });
    if (!granted.ok) throw new Error(JSON.stringify(granted.error));
    const { result } = await sold(lines, { discount: { ...fifteen, approvalId: granted.data.approvalId } });
    // 15 % of 4760 = 714.
    expect(result).toMatchObject({ total: 4046, discounts: [{ lineNo: null, amount: 714 }] });
    expect(await auditOf(result.saleId)).toMatchObject([
      { details: { lineNo: null, approvedBy: shop.tenant.users[shop.tenant.emails.supervisor] } },
    ]);
  });
});

it(`totals ${RANDOM_SALES} random discounted carts exactly as the POS previews them`, async () => {
  const cart = fc
    .record({
      supervisor: fc.boolean(),
      docType: fc.constantFrom<39 | 33>(39, 39, 33),
      lines: fc.array(
        fc.record({
          product: fc.constantFrom(PAN, LECHE, BEBIDA, HUEVOS),
          units: fc.integer({ min: 1, max: 9 }),
          grams: fc.integer({ min: 5, max: 3000 }),
          discount: fc.oneof(
            fc.constant(null),
            fc.integer({ min: 1, max: 1000 }).map((hundredths) => ({ percent: hundredths })),
            fc.integer({ min: 1, max: 1000 }).map((perMille) => ({ perMille })),
          ),
        }),
        { minLength: 1, maxLength: 5 },
      ),
      ticket: fc.oneof(
        fc.constant(null),
        fc.integer({ min: 1, max: 1000 }).map((hundredths) => ({ percent: hundredths })),
        fc.integer({ min: 1, max: 1000 }).map((perMille) => ({ perMille })),
      ),
    })
    .map((c) => {
      // A cashier gives up to 10 %, the supervisor up to 50 %: the draws are shares of the limit.
      const limit = c.supervisor ? 50 : 10;
      const scaled = (draw: { percent: number } | { perMille: number } | null, base: number) => {
        if (draw === null) return undefined;
        if ('percent' in draw) {
          return {
            kind: 'percent',
            percent: String((draw.percent * limit) / 1000),
            reason: 'damaged',
          } as CartDiscount;
        }
        const amount = Math.floor((base * draw.perMille * limit) / 100_000);
        return amount > 0
          ? ({ kind: 'amount', amount, reason: 'price_adjustment' } as CartDiscount)
          : undefined;
      };
      const lines = c.lines.map((l): Line => {
        const product = shop.products[l.product]!;
        const quantity = product.weighable ? (l.grams / 1000).toFixed(3) : String(l.units);
        const gross = ticketAmounts(39, [{ quantity, unitPrice: product.price }]).total;
        const discount = scaled(l.discount, gross);
        return { product: l.product, quantity, ...(discount ? { discount } : {}) };
      });
      const subtotal = ticketAmounts(
        39,
        lines.map((l) => ({
          quantity: l.quantity,
          unitPrice: shop.products[l.product]!.price,
          discount: l.discount,
        })),
      ).total;
      const discount = scaled(c.ticket, subtotal);
      return { ...c, lines, discount: discount && { ...discount, reason: 'frequent_customer' as const } };
    });
  let withTicket = 0;
  let facturas = 0;
  for (const c of fc.sample(cart, { numRuns: RANDOM_SALES, seed: 2026 })) {
    const { preview, send } = ticket(c.lines, {
      docType: c.docType,
      till: c.supervisor ? supervisorTill : shop.till,
      ...(c.discount ? { discount: c.discount } : {}),
    });
    const answer = await send();
    if (!answer.ok) throw new Error(`${JSON.stringify(answer.error)} for ${JSON.stringify(c)}`);
    expect(answer.data.total).toBe(preview.total);
    expect(answer.data.discounts).toEqual([
      ...preview.lines.flatMap((line, i) =>
        c.lines[i]!.discount ? [{ lineNo: i + 1, label: expect.any(String), amount: line.discount }] : [],
      ),
      ...(c.discount ? [{ lineNo: null, label: expect.any(String), amount: preview.ticketDiscount }] : []),
    ]);
    // Paid by card: what is charged is the total, never rounded.
    expect(answer.data.toPay).toBe(preview.total);
    if (c.discount) withTicket++;
    if (answer.data.docType === 33) facturas++;
  }
  expect(withTicket).toBeGreaterThan(RANDOM_SALES / 4);
  expect(facturas).toBeGreaterThan(RANDOM_SALES / 5);
});

describe('documents of discounted sales', () => {
  const signedXml = (saleId: string, type: DteType, folio: number) =>
    signedSaleXml(shop.server, shop.tenant.tenantId, { saleId, docType: type, folio });

  const lines: Line[] = [
    { product: BEBIDA, quantity: '2', discount: { kind: 'percent', percent: '10', reason: 'damaged' } },
    { product: LECHE, quantity: '3', discount: { kind: 'amount', amount: 300, reason: 'price_adjustment' } },
    { product: HUEVOS, quantity: '1' },
  ];

  it('issues a discounted boleta that validates and verifies, with DescuentoPct, DescuentoMonto and DscRcgGlobal', async () => {
    // 3980 − 398 + 3570 − 300 + 3590 = 10442; 5 % of the afecto 6852 is 343, of the exempt 3590 is 180.
    const { result } = await sold(lines, {
      discount: { kind: 'percent', percent: '5', reason: 'frequent_customer' },
    });
    expect(result).toMatchObject({ docType: 39, total: 9919 });
    const xml = await signedXml(result.saleId, 39, result.folio);
    expect(xml).toMatch(
      /<PrcItem>1990<\/PrcItem><DescuentoPct>10<\/DescuentoPct><DescuentoMonto>398<\/DescuentoMonto><MontoItem>3582<\/MontoItem>/,
    );
    expect(xml).toMatch(
      /<PrcItem>1190<\/PrcItem><DescuentoMonto>300<\/DescuentoMonto><MontoItem>3270<\/MontoItem>/,
    );
    expect(xml).toContain(
      '<DscRcgGlobal><NroLinDR>1</NroLinDR><TpoMov>D</TpoMov><GlosaDR>Descuento ticket 5% cliente frecuente</GlosaDR><TpoValor>%</TpoValor><ValorDR>5</ValorDR></DscRcgGlobal>' +
        '<DscRcgGlobal><NroLinDR>2</NroLinDR><TpoMov>D</TpoMov><GlosaDR>Descuento ticket 5% cliente frecuente</GlosaDR><TpoValor>%</TpoValor><ValorDR>5</ValorDR><IndExeDR>1</IndExeDR></DscRcgGlobal>',
    );
    // Afecto 6852 − 343 = 6509 → neto 5470, IVA 1039; exento 3590 − 180 = 3410.
    expect(xml).toContain(
      '<Totales><MntNeto>5470</MntNeto><MntExe>3410</MntExe><IVA>1039</IVA><MntTotal>9919</MntTotal></Totales>',
    );
  });

  it('issues a discounted factura with net amounts that validates and verifies', async () => {
    const { result, preview } = await sold(lines, {
      docType: 33,
      discount: { kind: 'amount', amount: 1000, reason: 'frequent_customer' },
    });
    expect(result).toMatchObject({ docType: 33, total: preview.total });
    const xml = await signedXml(result.saleId, 33, result.folio);
    // Net 1990 / 1.19 = 1672.268908, × 2 = 3345; 10 % of it is 334.5 → 335 (the factura applies
    // DescuentoPct to its own net line).
    expect(xml).toMatch(
      /<PrcItem>1672\.268908<\/PrcItem><DescuentoPct>10<\/DescuentoPct><DescuentoMonto>335<\/DescuentoMonto><MontoItem>3010<\/MontoItem>/,
    );
    // The milk's $300 is net round(300 / 1.19) = 252.
    expect(xml).toMatch(
      /<PrcItem>1000<\/PrcItem><DescuentoMonto>252<\/DescuentoMonto><MontoItem>2748<\/MontoItem>/,
    );
    // $1000 split: exempt round(1000 × 3590 / 10442) = 344 as is, afecto 656 net round(656 / 1.19) = 551.
    expect(xml).toMatch(/<TpoValor>\$<\/TpoValor><ValorDR>551<\/ValorDR><\/DscRcgGlobal>/);
    expect(xml).toMatch(
      /<TpoValor>\$<\/TpoValor><ValorDR>344<\/ValorDR><IndExeDR>1<\/IndExeDR><\/DscRcgGlobal>/,
    );
    // Net 3010 + 2748 − 551 = 5207, IVA 989; exempt 3590 − 344 = 3246.
    expect(xml).toContain(
      '<Totales><MntNeto>5207</MntNeto><MntExe>3246</MntExe><TasaIVA>19</TasaIVA><IVA>989</IVA><MntTotal>9442</MntTotal></Totales>',
    );
    expect(result.total).toBe(9442);
  });

  it('credits a discounted sale whole with a nota de crédito of what was paid, valid and signed', async () => {
    const { result } = await sold(lines, {
      discount: { kind: 'amount', amount: 442, reason: 'frequent_customer' },
    });
    expect(result.total).toBe(10_000);
    const note = await shop.till.socket.emitWithAck('sale:return', {
      returnId: randomUUID(),
      terminalId: shop.till.terminalId,
      cashSessionId: shop.till.cashSessionId,
      original: { saleId: result.saleId },
      refundMethod: 'card',
      reason: 'Cliente arrepentido',
      approval: { email: shop.tenant.emails.supervisor, pin: TEST_PIN },
    });
    if (!note.ok) throw new Error(JSON.stringify(note.error));
    expect(note.data).toMatchObject({
      docType: 61,
      total: 10_000,
      paidCard: -10_000,
      reference: { code: 1 },
    });
    const xml = await signedXml(note.data.saleId, 61, note.data.folio);
    expect(xml).toContain('<MntTotal>10000</MntTotal>');
  });
});
