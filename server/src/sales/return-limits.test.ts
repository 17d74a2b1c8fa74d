/**
 * A return never gives back more than was sold: repeated lines in one return are refused, and
 * returns of the same sale sent at the same moment are taken one after the other.
 */
import { randomUUID } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import { TEST_PIN } from '../../test/harness.ts';
import type { Till } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { withTenant } from '../platform/orm.ts';

const LECHE = 1;
const shop = useSellingFixture({
  label: 'ret-limits',
  stock: '100',
  cafs: [
    [39, 1, 50],
    [61, 1, 50],
  ],
});
let second: Till;

beforeAll(async () => {
  second = await shop.openTill(shop.tenant.stores[0]!.terminalIds[1]!);
});

async function sellFiveMilks(): Promise<string> {
  const sold = await shop.till.socket.emitWithAck('sale:commit', {
    saleId: randomUUID(),
    terminalId: shop.till.terminalId,
    cashSessionId: shop.till.cashSessionId,
    lines: [{ productId: shop.products[LECHE]!.id, quantity: '5', unitPrice: 1190 }],
    payments: [{ method: 'card', amount: 5950, authorizationCode: 'A1' }],
  });
  if (!sold.ok) throw new Error(JSON.stringify(sold.error));
  return sold.data.saleId;
}

function returnFrom(till: Till, saleId: string, lines: { lineNo: number; quantity: string }[]) {
  return till.socket.emitWithAck('sale:return', {
    returnId: randomUUID(),
    terminalId: till.terminalId,
    cashSessionId: till.cashSessionId,
    original: { saleId },
    lines,
    refundMethod: 'card',
    reason: 'Devolución',
    approval: { email: shop.tenant.emails.supervisor, pin: TEST_PIN },
  });
}

/** Units of the milk returned against a sale, and the notas de crédito issued for it. */
async function returnedAgainst(saleId: string) {
  return withTenant(shop.server.orm, shop.tenant.tenantId, async (em) => {
    const [row] = await em.execute<{ notes: number; units: string | null }[]>(
      `select count(distinct s.id)::int as notes, sum(l.quantity)::text as units
         from sale s join sale_line l on l.sale_id = s.id where s.original_sale_id = ?`,
      [saleId],
    );
    return row!;
  });
}

it('refuses a return that names the same sold line twice', async () => {
  const saleId = await sellFiveMilks();
  const answer = await returnFrom(shop.till, saleId, [
    { lineNo: 1, quantity: '5' },
    { lineNo: 1, quantity: '5' },
  ]);
  expect(answer).toMatchObject({
    ok: false,
    error: { code: 'VALIDATION', message: 'La línea 1 aparece más de una vez en la devolución.' },
  });
  expect(await returnedAgainst(saleId)).toEqual({ notes: 0, units: null });
});

it('takes two returns of the same sale sent at once one after the other: only one gets the goods back', async () => {
  for (let round = 0; round < 3; round++) {
    const saleId = await sellFiveMilks();
    const answers = await Promise.all([
      returnFrom(shop.till, saleId, [{ lineNo: 1, quantity: '5' }]),
      returnFrom(second, saleId, [{ lineNo: 1, quantity: '5' }]),
    ]);
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.find((a) => !a.ok)).toMatchObject({
      ok: false,
      error: { code: 'VALIDATION', message: expect.stringContaining('quedan 0.000 por devolver') },
    });
    expect(await returnedAgainst(saleId)).toEqual({ notes: 1, units: '5.000' });
  }
});
