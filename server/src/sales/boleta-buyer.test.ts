/**
 * A boleta above 135 UF identifies its buyer (Ley 21.713): without RUT, name, e-mail and phone
 * the sale is refused before a folio is taken; with them the boleta carries Receptor and
 * MedioPago and validates against the SII's boleta schema (sii-2025 EnvioBOLETA_v11.xsd). The UF
 * is the tenant's back office setting; until one is set a conservative fallback applies.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DteDocument, SaleCommit } from '@erp/shared';
import { buildDte, buildEnvelope } from '@erp/sii-core';
import { run, testCaf, testCredentials } from '@erp/sii-core/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { TestClient } from '../../test/harness.ts';
import type { Till } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { withTenant } from '../platform/orm.ts';

const LECHE = 1;
const BOLETA_SCHEMA = fileURLToPath(
  new URL('../../../sii-core/src/schemas/sii-2025/schema_envio_bol/EnvioBOLETA_v11.xsd', import.meta.url),
);
const BUYER = {
  rut: '12.345.678-5',
  razonSocial: 'María José Pérez Ñúñez',
  email: 'maria.perez@example.cl',
  phone: '+56 9 8765 4321',
};

const shop = useSellingFixture({
  label: 'uf',
  stock: '1000',
  everyStore: true,
  cafs: [[39, 1, 100]],
});
let owner: TestClient;
/** A till of store 1: its sales read the company settings after the UF is saved. */
let storeB: Till;

beforeAll(async () => {
  owner = await shop.signIn(shop.tenant, shop.tenant.emails.owner, { screen: 'backoffice' });
  storeB = await shop.openTill(shop.tenant.stores[1]!.terminalIds[0]!, shop.tenant.emails.cashier2);
});

function sell(
  till: Till,
  line: { quantity: string; unitPrice: number },
  extra: Pick<z.input<typeof SaleCommit>, 'customer'> & {
    payments?: z.input<typeof SaleCommit>['payments'];
  } = {},
) {
  const total = Math.round(Number(line.quantity) * line.unitPrice);
  return till.socket.emitWithAck('sale:commit', {
    saleId: randomUUID(),
    terminalId: till.terminalId,
    cashSessionId: till.cashSessionId,
    lines: [
      {
        productId: shop.products[LECHE]!.id,
        quantity: line.quantity,
        unitPrice: line.unitPrice,
        priceOverride: line.unitPrice !== shop.products[LECHE]!.price,
      },
    ],
    payments: extra.payments ?? [{ method: 'card', amount: total, authorizationCode: 'AUT-1' }],
    ...(extra.customer ? { customer: extra.customer } : {}),
  });
}

async function documentOf(saleId: string): Promise<DteDocument> {
  const [row] = await withTenant(shop.server.orm, shop.tenant.tenantId, (em) =>
    em.execute<{ payload: { document: DteDocument } }[]>(
      `select payload from outbox where topic = 'sii.document' and key = ?`,
      [`sale-${saleId}`],
    ),
  );
  return row!.payload.document;
}

describe('boletas above 135 UF', () => {
  it('without a UF set, asks for the buyer above 135 × $38.416,69 = $5.186.253, and takes no folio when refusing', async () => {
    const above = await sell(shop.till, { quantity: '1', unitPrice: 5_186_254 });
    expect(above).toMatchObject({
      ok: false,
      error: {
        code: 'BOLETA_NEEDS_RECEIVER',
        message:
          'La boleta de $5.186.254 supera 135 UF ($5.186.253 con la UF del 31-12-2024): debe identificar al comprador (Ley 21.713). Falta: RUT, nombre, correo y teléfono.',
        details: { missing: ['rut', 'name', 'email', 'phone'], threshold: 5_186_253 },
      },
    });
    const at = await sell(shop.till, { quantity: '1', unitPrice: 5_186_253 });
    expect(at).toMatchObject({ ok: true, data: { docType: 39, folio: 1, total: 5_186_253 } });
  });

  it('with the UF saved in the back office, refuses a boleta above 135 UF until the buyer is complete, then issues it with Receptor and MedioPago, valid against the boleta schema', async () => {
    const profile = await owner.emitWithAck('tenant:get', {});
    if (!profile.ok) throw new Error(JSON.stringify(profile.error));
    const { slug: _, ...input } = profile.data;
    expect(input.settings.uf).toBeNull();
    // UF $100,00: 135 UF = $13.500.
    const saved = await owner.emitWithAck('tenant:save', {
      ...input,
      settings: { ...input.settings, uf: { centavos: 10_000, date: '2026-12-01' } },
    });
    expect(saved).toMatchObject({
      ok: true,
      data: { settings: { uf: { centavos: 10_000, date: '2026-12-01' } } },
    });

    // The till reads the UF its tickets are checked with, and its seller's discount limit.
    expect(await storeB.socket.emitWithAck('sale:settings', {})).toEqual({
      ok: true,
      data: { uf: { centavos: 10_000, date: '2026-12-01' }, discountLimitPercent: 10 },
    });

    // 12 × 1190 = 14.280 > 13.500.
    const twelve = { quantity: '12', unitPrice: 1190 };
    expect(await sell(storeB, twelve)).toMatchObject({
      ok: false,
      error: {
        code: 'BOLETA_NEEDS_RECEIVER',
        message:
          'La boleta de $14.280 supera 135 UF ($13.500 con la UF del 01-12-2026): debe identificar al comprador (Ley 21.713). Falta: RUT, nombre, correo y teléfono.',
      },
    });
    expect(
      await sell(storeB, twelve, { customer: { rut: BUYER.rut, razonSocial: BUYER.razonSocial } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'BOLETA_NEEDS_RECEIVER', details: { missing: ['email', 'phone'] } },
    });
    // Exactly 135 UF is not above it.
    expect(await sell(storeB, { quantity: '1', unitPrice: 13_500 })).toMatchObject({ ok: true });

    const sold = await sell(storeB, twelve, {
      customer: BUYER,
      payments: [{ method: 'cash', tendered: 15_000 }],
    });
    if (!sold.ok) throw new Error(JSON.stringify(sold.error));
    const document = await documentOf(sold.data.saleId);
    expect(document).toMatchObject({
      type: 39,
      paymentMethod: 1,
      receiver: {
        rut: '12345678-5',
        businessName: BUYER.razonSocial,
        email: BUYER.email,
        phone: BUYER.phone,
      },
    });

    // The hub's receipt names the buyer too.
    const [print] = await withTenant(shop.server.orm, shop.tenant.tenantId, (em) =>
      em.execute<{ payload: { document: { customer?: unknown } } }[]>(
        `select payload from outbox where topic = 'print.receipt' and key = ?`,
        [`sale-${sold.data.saleId}`],
      ),
    );
    expect(print!.payload.document.customer).toEqual({
      rut: '12345678-5',
      name: BUYER.razonSocial,
      email: BUYER.email,
      phone: BUYER.phone,
    });

    // The document the worker will sign, built here with a test CAF of the same issuer.
    const credentials = testCredentials();
    const dte = buildDte(document, { caf: testCaf(39), credentials, folio: sold.data.folio });
    const file = join(mkdtempSync(join(tmpdir(), 'boleta-buyer-')), 'envio.xml');
    const envelope = buildEnvelope([dte], { credentials });
    writeFileSync(file, envelope);
    const xml = envelope.toString('latin1');
    expect(xml).toContain('<MedioPago>1</MedioPago>');
    expect(xml).toMatch(
      /<Receptor><RUTRecep>12345678-5<\/RUTRecep><RznSocRecep>María José Pérez Ñúñez<\/RznSocRecep><CorreoRecep>maria\.perez@example\.cl<\/CorreoRecep><TelefonoRecep>\+56 9 8765 4321<\/TelefonoRecep><\/Receptor>/,
    );
    const schema = run('xmllint', ['--noout', '--schema', BOLETA_SCHEMA, file]);
    expect(schema.output).toContain('validates');
    expect(schema.status).toBe(0);
  });
});
