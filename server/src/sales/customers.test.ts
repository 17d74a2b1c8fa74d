/**
 * The till creates invoice customers but never edits them: a cashier who "creates" a customer
 * whose RUT is already registered gets CUSTOMER_EXISTS and the stored customer stays as it was,
 * and a factura typed with such a RUT is issued to the stored customer, unchanged.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TestClient } from '../../test/harness.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { withTenant } from '../platform/orm.ts';

const shop = useSellingFixture({ label: 'customers', stock: '100', cafs: [[33, 1, 10]] });
let cashier: TestClient;

const STORED = {
  rut: '77.123.456-9',
  razonSocial: 'Comercial Ñuñoa Ltda.',
  giro: 'Almacén',
  address: 'Irarrázaval 100',
  comuna: 'Ñuñoa',
  email: 'compras@nunoa.cl',
};
const OVERWRITE = { ...STORED, razonSocial: 'Otra Empresa SpA', address: 'Calle Falsa 123', email: 'x@y.cl' };

const storedRows = (rut = '77123456-9') =>
  withTenant(shop.server.orm, shop.tenant.tenantId, (em) =>
    em.execute<{ id: string; razon_social: string; address: string; email: string }[]>(
      'select id, razon_social, address, email from customer where rut = ?',
      [rut],
    ),
  );

beforeAll(async () => {
  cashier = shop.till.socket;
  const created = await cashier.emitWithAck('customer:create', STORED);
  if (!created.ok) throw new Error(JSON.stringify(created.error));
});

describe('customers at the till', () => {
  it('refuses to create a customer whose RUT exists, leaving the stored one as it was', async () => {
    const before = await storedRows();
    expect(await cashier.emitWithAck('customer:create', OVERWRITE)).toEqual({
      ok: false,
      error: {
        code: 'CUSTOMER_EXISTS',
        message: 'Ya hay un cliente con ese RUT: se usan sus datos registrados.',
      },
    });
    expect(await storedRows()).toEqual(before);
    expect(before).toEqual([
      expect.objectContaining({
        razon_social: STORED.razonSocial,
        address: STORED.address,
        email: STORED.email,
      }),
    ]);
    const found = await cashier.emitWithAck('customer:find', { rut: STORED.rut });
    expect(found).toMatchObject({
      ok: true,
      data: { razonSocial: STORED.razonSocial, address: STORED.address },
    });
  });

  it('issues a factura typed with a registered RUT to the stored customer, unchanged', async () => {
    const rut = '76.543.210-3';
    const registered = await cashier.emitWithAck('customer:create', { ...STORED, rut });
    if (!registered.ok) throw new Error(JSON.stringify(registered.error));
    const [stored] = await storedRows('76543210-3');
    expect(stored).toMatchObject({ razon_social: STORED.razonSocial, address: STORED.address });
    const { till, products } = shop;
    const factura = await cashier.emitWithAck('sale:commit', {
      saleId: crypto.randomUUID(),
      terminalId: till.terminalId,
      cashSessionId: till.cashSessionId,
      docType: 33,
      customer: { ...OVERWRITE, rut },
      // 10 × $1.990: a factura whose net and IVA add up to the same $19.900.
      lines: [{ productId: products[2]!.id, quantity: '10', unitPrice: 1990 }],
      payments: [{ method: 'card', amount: 19900, authorizationCode: 'A1' }],
    });
    if (!factura.ok) throw new Error(JSON.stringify(factura.error));
    expect(await storedRows('76543210-3')).toEqual([stored]);
    const [sale] = await withTenant(shop.server.orm, shop.tenant.tenantId, (em) =>
      em.execute<{ customer_id: string }[]>('select customer_id from sale where id = ?', [
        factura.data.saleId,
      ]),
    );
    expect(sale).toEqual({ customer_id: stored!.id });
  });
});

describe('completing a stored customer at the till', () => {
  const auditRows = () =>
    withTenant(shop.server.orm, shop.tenant.tenantId, (em) =>
      em.execute<{ user_id: string; details: { rut: string; filled: string[] } }[]>(
        `select user_id, details from audit_log where kind = 'customer_complete' order by id`,
      ),
    );

  it('fills in blank fields only, keeps every set value, and audits what it filled', async () => {
    const rut = '11.111.111-1';
    const created = await cashier.emitWithAck('customer:create', {
      rut,
      razonSocial: 'Juan Soto',
      giro: '',
      address: 'Los Aromos 12',
      email: 'juan@soto.cl',
    });
    if (!created.ok) throw new Error(JSON.stringify(created.error));

    const completed = await cashier.emitWithAck('customer:complete', {
      id: created.data.id,
      giro: 'Particular',
      address: 'Otra Calle 99',
      email: 'otro@correo.cl',
      phone: '+56 9 1234 5678',
    });
    expect(completed).toEqual({
      ok: true,
      data: {
        id: created.data.id,
        rut: '11111111-1',
        razonSocial: 'Juan Soto',
        giro: 'Particular',
        address: 'Los Aromos 12',
        comuna: null,
        email: 'juan@soto.cl',
        phone: '+56 9 1234 5678',
      },
    });
    expect(await auditRows()).toEqual([
      {
        user_id: shop.tenant.users[shop.tenant.emails.cashier],
        details: expect.objectContaining({ rut: '11111111-1', filled: ['giro', 'phone'] }),
      },
    ]);

    // Now set, the phone stays too; nothing filled, nothing audited.
    const again = await cashier.emitWithAck('customer:complete', {
      id: created.data.id,
      phone: '22 222 2222',
    });
    expect(again).toMatchObject({ ok: true, data: { phone: '+56 9 1234 5678', giro: 'Particular' } });
    expect(await auditRows()).toHaveLength(1);
    const [row] = await storedRows('11111111-1');
    expect(row).toMatchObject({ razon_social: 'Juan Soto', address: 'Los Aromos 12', email: 'juan@soto.cl' });
  });
});
