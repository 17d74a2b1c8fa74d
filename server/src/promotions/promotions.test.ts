/**
 * Promotions over real sockets and PostgreSQL: the back office saves them (validated, admins
 * only), tills hear of the change and read their store's; a sale takes them at commit with the
 * POS's own code, so 500 random carts across every kind and their overlaps total the same on
 * both; a promotion outside its hours or of another store does not apply; one that ended while
 * the ticket was open is PRICE_CHANGED; the receipt names each promotion's discount and the
 * document carries it as DescuentoMonto (named in DscItem), valid against the SII schema and
 * signed; a nota de crédito of it credits what was paid.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  chileMoment,
  type DteDocument,
  type PromotionInput,
  type PromotionView,
  type SaleCommit,
} from '@erp/shared';
import { buildDte, buildEnvelope } from '@erp/sii-core';
import { testCaf, testCredentials, xmllintSchema, xmlsecVerify } from '@erp/sii-core/testing';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { type CartDiscount, ticketAmounts } from '../../../client/src/stores/ticket-amounts.ts';
import { linePromotions } from '../../../client/src/stores/ticket-promotions.ts';
import { TEST_PIN, type TestClient } from '../../test/harness.ts';
import { addProducts, receiveStock, type TestProduct } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { withTenant } from '../platform/orm.ts';

const RANDOM_SALES = 500;
const CUSTOMER = {
  rut: '77.123.456-9',
  razonSocial: 'Comercial Ñuñoa Ltda.',
  giro: 'Almacén',
  address: 'Irarrázaval 100',
  comuna: 'Ñuñoa',
};

const shop = useSellingFixture({
  label: 'promo',
  stock: '100000',
  cafs: [
    [39, 1, RANDOM_SALES + 100],
    [41, 1, RANDOM_SALES],
    [33, 1, RANDOM_SALES],
    [34, 1, RANDOM_SALES],
    [61, 1, 5],
  ],
});

const EXTRA: Omit<TestProduct, 'id'>[] = [
  { code: 'JUG-01', name: 'Jugo naranja 1 L', price: 990, exempt: false, weighable: false },
  { code: 'AGU-01', name: 'Agua mineral 1,5 L', price: 700, exempt: false, weighable: false },
  { code: 'YOG-01', name: 'Yogur frutilla', price: 390, exempt: false, weighable: false },
  { code: 'GAL-01', name: 'Galletas de agua', price: 650, exempt: false, weighable: false },
];
const CATEGORY: Record<string, string> = {
  'PAN-01': 'Panadería',
  'LEC-01': 'Lácteos',
  'BEB-01': 'Bebidas',
  'HUE-01': 'Almacén',
  'JUG-01': 'Bebidas',
  'AGU-01': 'Bebidas',
  'YOG-01': 'Lácteos',
  'GAL-01': 'Almacén',
};

let products: (TestProduct & { category: string })[] = [];
const byCode = (code: string) => products.find((p) => p.code === code)!;
let admin: TestClient;
let storeId: string;

const day = (offset: number) => {
  const date = new Date(`${chileMoment(new Date()).date}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + offset);
  return date.toISOString().slice(0, 10);
};

/** A promotion running all day every day from yesterday to tomorrow, for every store. */
function running(
  name: string,
  rule: z.input<typeof PromotionInput>['rule'],
  scope: { codes?: string[]; categories?: string[] },
) {
  return {
    name,
    rule,
    productIds: (scope.codes ?? []).map((code) => byCode(code).id),
    categories: scope.categories ?? [],
    storeId: null,
    startsOn: day(-1),
    endsOn: day(1),
    weekdays: [1, 2, 3, 4, 5, 6, 7],
  } satisfies z.input<typeof PromotionInput>;
}

async function save(input: z.input<typeof PromotionInput>): Promise<z.output<typeof PromotionView>> {
  const answer = await admin.emitWithAck('promotion:save', input);
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return answer.data;
}

async function current(): Promise<z.output<typeof PromotionView>[]> {
  const answer = await shop.till.socket.emitWithAck('promotion:current', {});
  if (!answer.ok) throw new Error(JSON.stringify(answer.error));
  return answer.data;
}

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return withTenant(shop.server.orm, shop.tenant.tenantId, (em) => em.execute<T[]>(sql, params));
}

async function outboxDocument<T>(topic: 'sii.document' | 'print.receipt', saleId: string): Promise<T> {
  const [row] = await query<{ payload: { document: T } }>(
    'select payload from outbox where topic = ? and key = ?',
    [topic, `sale-${saleId}`],
  );
  return row!.payload.document;
}

type Line = { code: string; quantity: string; discount?: CartDiscount };

/** Rings a ticket up as the POS does: promotions and amounts previewed with its code, paid by card. */
function ticket(lines: Line[], promotions: z.output<typeof PromotionView>[], docType: 39 | 33 = 39) {
  const cart = lines.map((l) => {
    const product = byCode(l.code);
    return {
      productId: product.id,
      quantity: l.quantity,
      unitPrice: product.price,
      weighable: product.weighable,
      exempt: product.exempt,
      category: product.category,
      ...(l.discount ? { discount: l.discount } : {}),
    };
  });
  const promoted = linePromotions(cart, promotions, storeId, new Date());
  const preview = ticketAmounts(
    docType,
    cart.map((line, i) => ({ ...line, promotionDiscount: promoted[i]!.discount })),
  );
  const commit: z.input<typeof SaleCommit> = {
    saleId: randomUUID(),
    terminalId: shop.till.terminalId,
    cashSessionId: shop.till.cashSessionId,
    docType,
    ...(docType === 33 ? { customer: CUSTOMER } : {}),
    lines: cart.map((line, i) => ({
      productId: line.productId,
      quantity: line.quantity,
      unitPrice: line.unitPrice,
      ...(lines[i]!.discount ? { discount: lines[i]!.discount } : {}),
      promotionDiscount: promoted[i]!.discount,
    })),
    payments: [{ method: 'card', amount: preview.total, authorizationCode: 'AUT-1' }],
  };
  return { preview, promoted, commit, send: () => shop.till.socket.emitWithAck('sale:commit', commit) };
}

beforeAll(async () => {
  const { server, tenant } = shop;
  const extra = await addProducts(server, tenant, EXTRA);
  await receiveStock(
    server,
    tenant,
    tenant.stores[0]!.warehouseId,
    extra.map((p) => p.id),
    '100000',
  );
  products = [...shop.products, ...extra].map((p) => ({ ...p, category: CATEGORY[p.code]! }));
  for (const p of products) await query('update product set category = ? where id = ?', [p.category, p.id]);
  storeId = tenant.stores[0]!.id;
  admin = await shop.signIn(tenant, tenant.emails.admin, { screen: 'backoffice' });
  shop.keep(admin);
});

describe('the back office edits promotions', () => {
  it('validates with Spanish messages, admits admins only (of their store when they serve one), and tells the tills', async () => {
    const bad = await admin.emitWithAck('promotion:save', {
      ...running('Mal', { kind: 'buy_pay', buy: 2, pay: 2 }, { codes: ['GAL-01'] }),
      fromTime: '18:00',
      toTime: '09:00',
    });
    expect(bad).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const messages = JSON.stringify(bad.ok ? null : bad.error.details);
    expect(messages).toContain('Se paga menos de lo que se lleva');
    expect(messages).toContain('El horario va de una hora a otra posterior.');

    const refused = await shop.till.socket.emitWithAck(
      'promotion:save',
      running('2x1', { kind: 'buy_pay', buy: 2, pay: 1 }, { codes: ['GAL-01'] }),
    );
    expect(refused).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const heard = new Promise<{ id: string }>((resolve) =>
      shop.till.socket.once('promotion:changed', resolve),
    );
    const other = await save({
      ...running('2x1 otra sucursal', { kind: 'buy_pay', buy: 2, pay: 1 }, { codes: ['GAL-01'] }),
      storeId: shop.tenant.stores[1]!.id,
    });
    expect((await heard).id).toBe(other.id);
    expect((await current()).map((p) => p.id)).not.toContain(other.id);
    const listed = await admin.emitWithAck('promotion:list', {});
    expect(listed.ok && listed.data.map((p) => p.id)).toContain(other.id);

    // A store id that is not the company's, and an admin serving one store editing others'.
    const nowhere = await admin.emitWithAck('promotion:save', {
      ...running('2x1', { kind: 'buy_pay', buy: 2, pay: 1 }, { codes: ['GAL-01'] }),
      storeId: randomUUID(),
    });
    expect(nowhere).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No se encontró la sucursal.' },
    });
    const serving = await shop.signIn(shop.tenant, shop.tenant.emails.admin, {
      screen: 'backoffice',
      storeId,
    });
    shop.keep(serving);
    const everywhere = await serving.emitWithAck(
      'promotion:save',
      running('2x1', { kind: 'buy_pay', buy: 2, pay: 1 }, { codes: ['GAL-01'] }),
    );
    expect(everywhere).toMatchObject({ ok: false, error: { code: 'STORE_SCOPE' } });
    expect(await serving.emitWithAck('promotion:delete', { id: other.id })).toMatchObject({
      ok: false,
      error: { code: 'STORE_SCOPE', message: 'La promoción pertenece a otra sucursal.' },
    });
  });
});

describe('promotions at the sale', () => {
  let outOfHours: z.output<typeof PromotionView>;

  beforeAll(async () => {
    const { time } = chileMoment(new Date());
    const [fromTime, toTime] = time < '12:00' ? ['20:00', '23:00'] : ['02:00', '05:00'];
    outOfHours = await save({
      ...running('2x1 galletas nocturno', { kind: 'buy_pay', buy: 2, pay: 1 }, { codes: ['GAL-01'] }),
      fromTime,
      toTime,
    });
    await save(running('2x1 Bebida cola', { kind: 'buy_pay', buy: 2, pay: 1 }, { codes: ['BEB-01'] }));
    await save(
      running(
        '3 por $1.500',
        { kind: 'pack_price', quantity: 3, price: 1500 },
        { codes: ['JUG-01', 'AGU-01'] },
      ),
    );
    await save(
      running('2ª unidad 50% lácteos', { kind: 'second_unit', percent: '50' }, { categories: ['Lácteos'] }),
    );
    await save(
      running(
        'Yogur desde 6',
        { kind: 'quantity_price', minQuantity: 6, unitPrice: 300 },
        { codes: ['YOG-01'] },
      ),
    );
    await save(running('3x2 bebidas', { kind: 'buy_pay', buy: 3, pay: 2 }, { categories: ['Bebidas'] }));
    await save(
      running('Huevos 2 por $6.500', { kind: 'pack_price', quantity: 2, price: 6500 }, { codes: ['HUE-01'] }),
    );
  });

  it('totals 500 random carts exactly as the POS previews them, across every kind and overlap', async () => {
    const promotions = await current();
    expect(promotions).toHaveLength(7);
    const seen = new Set<string>();
    let overlaps = 0;
    const line = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record({
          code: fc.constantFrom('LEC-01', 'BEB-01', 'HUE-01', 'JUG-01', 'AGU-01', 'YOG-01', 'GAL-01'),
          quantity: fc.integer({ min: 1, max: 8 }).map(String),
          damaged: fc.boolean(),
        }),
      },
      {
        weight: 1,
        arbitrary: fc.record({
          code: fc.constant('PAN-01'),
          quantity: fc.constantFrom('0.750', '1.235', '2'),
          damaged: fc.constant(false),
        }),
      },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 0, max: 4 }),
        async (cart, kind) => {
          const lines: Line[] = cart.map((l) => ({
            code: l.code,
            quantity: l.quantity,
            // One line in about eight carries a discount of its own, and takes no promotion.
            ...(l.damaged && l.quantity === '3'
              ? { discount: { kind: 'percent' as const, percent: '10', reason: 'damaged' as const } }
              : {}),
          }));
          const { preview, promoted, send } = ticket(lines, promotions, kind === 0 ? 33 : 39);
          const answer = await send();
          if (!answer.ok) throw new Error(JSON.stringify(answer.error));
          expect(answer.data.total).toBe(preview.total);
          const promos = promoted.flatMap((p, i) =>
            p.promotions.map((q) => ({ lineNo: i + 1, label: `Promo ${q.name}`, amount: q.amount })),
          );
          expect(answer.data.discounts.filter((d) => d.label.startsWith('Promo '))).toEqual(promos);
          for (const p of promoted) for (const q of p.promotions) seen.add(q.name);
          if (new Set(promos.map((p) => p.label)).size > 1) overlaps += 1;
        },
      ),
      { numRuns: RANDOM_SALES, endOnFailure: true },
    );
    expect([...seen].sort()).toEqual(
      [
        '2x1 Bebida cola',
        '3 por $1.500',
        '2ª unidad 50% lácteos',
        'Yogur desde 6',
        '3x2 bebidas',
        'Huevos 2 por $6.500',
      ].sort(),
    );
    expect(overlaps).toBeGreaterThan(RANDOM_SALES / 10);
    expect(seen).not.toContain(outOfHours.name);
  }, 120_000);

  it('applies no promotion outside its hours, and refuses a till that shows one', async () => {
    const promotions = await current();
    const { preview, promoted, send, commit } = ticket([{ code: 'GAL-01', quantity: '2' }], promotions);
    expect(promoted[0]!.discount).toBe(0);
    const answer = await send();
    expect(answer).toMatchObject({ ok: true, data: { total: 1300 } });
    expect(preview.total).toBe(1300);

    const claimed = await shop.till.socket.emitWithAck('sale:commit', {
      ...commit,
      saleId: randomUUID(),
      lines: [{ ...commit.lines[0]!, promotionDiscount: 650 }],
      payments: [{ method: 'card', amount: 650, authorizationCode: 'AUT-1' }],
    });
    expect(claimed).toMatchObject({
      ok: false,
      error: {
        code: 'PRICE_CHANGED',
        details: { changes: [], promotions: [{ productId: byCode('GAL-01').id, shown: 650, current: 0 }] },
      },
    });
  });

  it('is PRICE_CHANGED when a promotion ends while the ticket is open, and sells at the new total after', async () => {
    const weekly = await save(
      running('2x1 galletas semana', { kind: 'buy_pay', buy: 2, pay: 1 }, { codes: ['GAL-01'] }),
    );
    const open = ticket([{ code: 'GAL-01', quantity: '2' }], await current());
    expect(open.preview.total).toBe(650);
    await save({
      ...running(weekly.name, weekly.rule, { codes: ['GAL-01'] }),
      id: weekly.id,
      startsOn: day(-7),
      endsOn: day(-1),
    });
    const refused = await open.send();
    expect(refused).toMatchObject({
      ok: false,
      error: { code: 'PRICE_CHANGED', details: { promotions: [{ shown: 650, current: 0 }] } },
    });
    expect(refused.ok ? '' : refused.error.message).toContain('promociones');
    const again = ticket([{ code: 'GAL-01', quantity: '2' }], await current());
    expect(again.preview.total).toBe(1300);
    expect(await again.send()).toMatchObject({ ok: true, data: { total: 1300 } });
  });

  it('names each promotion on the receipt and writes it per line into a document that validates and verifies', async () => {
    const promotions = await current();
    const { send } = ticket(
      [
        { code: 'BEB-01', quantity: '2' },
        { code: 'JUG-01', quantity: '3' },
        { code: 'GAL-01', quantity: '1' },
      ],
      promotions,
    );
    const answer = await send();
    if (!answer.ok) throw new Error(JSON.stringify(answer.error));
    // The 2x1 (1990 off) goes first; on the juices the pack (2970 → 1500) beats the 3x2 (990).
    const result = answer.data;
    const receipt = await outboxDocument<{
      lines: { discount: number; discountLabel?: string; amount: number }[];
    }>('print.receipt', result.saleId);
    expect(receipt.lines.map((l) => [l.discount, l.discountLabel ?? null, l.amount])).toEqual([
      [1990, 'Promo 2x1 Bebida cola', 1990],
      [1470, 'Promo 3 por $1.500', 1500],
      [0, null, 650],
    ]);
    expect(result.discounts).toEqual([
      { lineNo: 1, label: 'Promo 2x1 Bebida cola', amount: 1990 },
      { lineNo: 2, label: 'Promo 3 por $1.500', amount: 1470 },
    ]);
    expect(
      await query('select line_no, discount, promotions from sale_line where sale_id = ? order by line_no', [
        result.saleId,
      ]),
    ).toEqual([
      {
        line_no: 1,
        discount: '1990',
        promotions: [{ promotionId: expect.any(String), name: '2x1 Bebida cola', amount: 1990 }],
      },
      {
        line_no: 2,
        discount: '1470',
        promotions: [{ promotionId: expect.any(String), name: '3 por $1.500', amount: 1470 }],
      },
      { line_no: 3, discount: '0', promotions: null },
    ]);
    // The back office's detail of the sale names the promotions of each line.
    const detail = await admin.emitWithAck('sale:detail', { saleId: result.saleId });
    if (!detail.ok) throw new Error(JSON.stringify(detail.error));
    expect(detail.data.lines.map((l) => l.discounts)).toEqual([
      [{ label: 'Promo 2x1 Bebida cola', amount: 1990 }],
      [{ label: 'Promo 3 por $1.500', amount: 1470 }],
      [],
    ]);
    expect(detail.data.ticketDiscount).toBeNull();

    const document = await outboxDocument<DteDocument>('sii.document', result.saleId);
    const credentials = testCredentials();
    const dte = buildDte(document, { caf: testCaf(39), credentials, folio: result.folio });
    const dir = mkdtempSync(join(tmpdir(), 'promo-dte-'));
    const file = join(dir, 'envio.xml');
    const envelope = buildEnvelope([dte], { credentials });
    writeFileSync(file, envelope);
    const valid = xmllintSchema(file, 'sii-2025/schema_envio_bol/EnvioBOLETA_v11.xsd');
    expect(valid.output).toContain('validates');
    expect(valid.status).toBe(0);
    const verified = xmlsecVerify(file);
    expect(verified.output).toMatch(/^OK/m);
    const xml = envelope.toString('latin1');
    expect(xml).toMatch(
      /<PrcItem>1990<\/PrcItem><DescuentoMonto>1990<\/DescuentoMonto><MontoItem>1990<\/MontoItem>/,
    );
    expect(xml).toMatch(
      /<PrcItem>990<\/PrcItem><DescuentoMonto>1470<\/DescuentoMonto><MontoItem>1500<\/MontoItem>/,
    );
    expect(xml).toContain('<MntTotal>4140</MntTotal>');
    expect(xml).toContain('<DscItem>Promo 2x1 Bebida cola: -$1.990</DscItem>');

    // A return of the whole sale credits what was paid, the promotions' pesos taken off its lines.
    const returned = await shop.till.socket.emitWithAck('sale:return', {
      returnId: randomUUID(),
      terminalId: shop.till.terminalId,
      cashSessionId: shop.till.cashSessionId,
      original: { saleId: result.saleId },
      refundMethod: 'card',
      reason: 'Cliente se arrepintió',
      approval: { email: shop.tenant.emails.supervisor, pin: TEST_PIN },
    });
    expect(returned).toMatchObject({ ok: true, data: { docType: 61, total: 4140, paidCard: -4140 } });
  });
});
