/**
 * Folios across several CAFs of a type and the low-folio alert, through real sockets: CAFs
 * uploaded in the back office, sales committed at a till, the alert pushed live.
 */
import { randomUUID } from 'node:crypto';
import { makeTestCaf } from '@erp/sii-core/test-authority';
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestClient, TestTenant } from '../../test/harness.ts';
import type { TestProduct, Till } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';

let tenant: TestTenant;
let products: TestProduct[];
let till: Till;
let backoffice: TestClient;
let wall: TestClient;

const shop = useSellingFixture({ label: 'folios', stock: '1000', stocked: [1], cafs: [] });
beforeAll(async () => {
  ({ tenant, products, till } = shop);
  backoffice = await shop.signIn(tenant, tenant.emails.admin, { screen: 'backoffice' });
  wall = await shop.signIn(tenant, tenant.emails.supervisor, { screen: 'wall' });
});

async function sell(): Promise<{ ok: true; folio: number } | { ok: false; code: string; message: string }> {
  const answer = await till.socket.emitWithAck('sale:commit', {
    saleId: randomUUID(),
    terminalId: till.terminalId,
    cashSessionId: till.cashSessionId,
    docType: 39,
    lines: [{ productId: products[1]!.id, quantity: '1', unitPrice: 1190 }],
    payments: [{ method: 'cash', tendered: 2000 }],
  });
  return answer.ok
    ? { ok: true, folio: answer.data.folio }
    : { ok: false, code: answer.error.code, message: answer.error.message };
}

describe('folios', () => {
  it('uses several CAFs of a type in folio order, warns live at the threshold, and stops when all are used', async () => {
    // Uploaded newest range first: the oldest range is still used first.
    for (const [from, to] of [
      [10, 12],
      [1, 3],
    ] as const) {
      const xml = makeTestCaf({ rut: '76192083-9', type: 39, from, to }).toString('latin1');
      const uploaded = await backoffice.emitWithAck('caf:upload', { xml });
      expect(uploaded).toMatchObject({ ok: true, data: { docType: 39, from, to } });
    }
    // Saved as the back office saves it: the alert compares with the threshold of the last save.
    const profile = await backoffice.emitWithAck('tenant:get', {});
    if (!profile.ok) throw new Error(profile.error.message);
    const { slug: _, ...input } = profile.data;
    const saved = await backoffice.emitWithAck('tenant:save', {
      ...input,
      settings: { ...input.settings, lowFolioThreshold: 3 },
    });
    expect(saved.ok).toBe(true);

    const alerts: { screen: string; docType: number; remaining: number }[] = [];
    backoffice.on('folio:low', (alert) => alerts.push({ screen: 'backoffice', ...alert }));
    wall.on('folio:low', (alert) => alerts.push({ screen: 'wall', ...alert }));

    const folios: number[] = [];
    for (let i = 0; i < 6; i++) {
      const sale = await sell();
      if (!sale.ok) throw new Error(sale.message);
      folios.push(sale.folio);
    }
    expect(folios).toEqual([1, 2, 3, 10, 11, 12]);
    expect(await sell()).toMatchObject({
      ok: false,
      code: 'NO_FOLIOS',
      message: expect.stringContaining('CAF'),
    });
    // Exactly one alert per screen: with the sale that left 2 folios (under 3), not with the later ones.
    const deadline = Date.now() + 5_000;
    while (alerts.length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    expect(alerts.sort((a, b) => a.screen.localeCompare(b.screen))).toEqual([
      { screen: 'backoffice', docType: 39, remaining: 2 },
      { screen: 'wall', docType: 39, remaining: 2 },
    ]);

    const listed = await backoffice.emitWithAck('caf:list', {});
    if (!listed.ok) throw new Error(listed.error.message);
    expect(listed.data.cafs.map((c) => [c.from, c.to, c.remaining])).toEqual([
      [1, 3, 0],
      [10, 12, 0],
    ]);
  });
});
