// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeRealtime, signedIn } from '../test/fake-realtime.ts';
import { product } from '../test/products.ts';
import { testWarehouses } from '../test/warehouses.ts';
import { parsePesos, usePurchaseReceiptStore } from './purchase-receipt.store.ts';
import { useWarehousesStore } from './warehouses.store.ts';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

const leche = product({ code: 'LEC-01', name: 'Leche entera 1 L' });
const queso = product({ code: 'QUE-01', name: 'Queso gauda', weighable: true, unit: 'kg' });
const supplier = { id: crypto.randomUUID(), rut: '76123456-0', name: 'Distribuidora Uno', giro: '' };

async function setUp() {
  const storeA = signedIn();
  const server = fakeRealtime();
  const [a] = testWarehouses(storeA);
  server.on('warehouse:list', () => [a!]);
  server.on('supplier:list', () => [supplier]);
  server.on('stock:list', ({ warehouseId, productIds }) =>
    (productIds ?? [])
      .filter((id) => id === leche.id)
      .map((productId) => ({
        warehouseId,
        productId,
        quantity: '10.000',
        averageCost: '500.000000',
        minimum: null,
      })),
  );
  const warehouses = useWarehousesStore();
  const receipt = usePurchaseReceiptStore();
  warehouses.start();
  receipt.start();
  await server.resync();
  return { server, warehouseId: a!.id, receipt };
}

describe('purchase receipt store', () => {
  beforeEach(() => setActivePinia(createPinia()));

  it('reads whole pesos only', () => {
    expect(parsePesos('1250')).toBe(1250);
    expect(parsePesos(' 0 ')).toBe(0);
    expect(parsePesos('1.250')).toBeNull();
    expect(parsePesos('12,5')).toBeNull();
    expect(parsePesos('')).toBeNull();
  });

  it('adds scans to one line per product, totals lines half up in pesos, and says what is missing', async () => {
    const { receipt } = await setUp();
    expect(receipt.problem).toEqual({ kind: 'supplier' });
    receipt.supplierId = supplier.id;
    expect(receipt.problem).toEqual({ kind: 'folio' });
    receipt.folio = '0012';
    expect(receipt.problem).toEqual({ kind: 'folio' });
    receipt.folio = '4521';
    expect(receipt.problem).toEqual({ kind: 'lines' });

    receipt.add(leche, '1.000');
    receipt.add(queso, '0.750');
    receipt.add(leche, '1.000');
    expect(receipt.lines.map((l) => [l.name, l.quantity])).toEqual([
      ['Leche entera 1 L', '2'],
      ['Queso gauda', '0,75'],
    ]);
    expect(receipt.problem).toEqual({ kind: 'cost', name: 'Leche entera 1 L' });

    receipt.update(leche.id, { unitCost: '615', quantity: '24' });
    receipt.update(queso.id, { unitCost: '6990' });
    // 24 × $615 = $14.760; 0,75 × $6.990 = $5.242,5 → $5.243.
    expect(receipt.lines.map((l) => receipt.lineTotal(l))).toEqual([14760, 5243]);
    expect(receipt.total).toBe(20003);
    expect(receipt.problem).toBeNull();

    receipt.update(queso.id, { quantity: '0,7505' });
    expect(receipt.problem).toEqual({ kind: 'quantity', name: 'Queso gauda' });
    expect(receipt.total).toBe(14760);
    receipt.remove(queso.id);
    expect(receipt.problem).toBeNull();
  });

  it('confirms with the wire payload and shows stock and PPP before and after each line', async () => {
    const { server, warehouseId, receipt } = await setUp();
    receipt.supplierId = supplier.id;
    receipt.documentType = 52;
    receipt.folio = '881';
    receipt.add(leche, '1.000');
    await flush();
    expect(receipt.current.get(leche.id)).toEqual({ quantity: '10.000', averageCost: '500.000000' });
    receipt.update(leche.id, { quantity: '10', unitCost: '700' });

    server.on('receipt:create', (input) => {
      // The receipt's own stock:changed may overtake its answer.
      server.emit('stock:changed', {
        changes: [{ warehouseId, productId: leche.id, quantity: '20.000', averageCost: '600.000000' }],
      });
      return {
        id: crypto.randomUUID(),
        supplierId: input.supplierId,
        warehouseId: input.warehouseId,
        documentType: input.documentType,
        folio: input.folio,
        lines: [
          {
            productId: leche.id,
            quantity: '10.000',
            unitCost: '700.000000',
            averageCost: '600.000000',
            stock: '20.000',
          },
        ],
      };
    });
    expect(await receipt.confirm()).toBe(true);
    expect(server.sent.find((s) => s.name === 'receipt:create')?.payload).toEqual({
      supplierId: supplier.id,
      warehouseId,
      documentType: 52,
      folio: 881,
      lines: [{ productId: leche.id, quantity: '10.000', unitCost: '700' }],
    });
    expect(receipt.outcome?.lines).toEqual([
      {
        productId: leche.id,
        name: 'Leche entera 1 L',
        weighable: false,
        quantity: '10.000',
        unitCost: '700.000000',
        before: { quantity: '10.000', averageCost: '500.000000' },
        stock: '20.000',
        averageCost: '600.000000',
      },
    ]);
    expect(receipt.lines).toEqual([]);
    expect(receipt.folio).toBe('');
  });

  it('keeps the draft and the server’s reason when the receipt is refused', async () => {
    const { server, receipt } = await setUp();
    receipt.supplierId = supplier.id;
    receipt.folio = '77';
    receipt.add(leche, '1.000');
    receipt.update(leche.id, { unitCost: '500' });
    const message = 'El documento 33 N° 77 de este proveedor ya fue recibido.';
    server.on('receipt:create', () => ({ ok: false, error: { code: 'CONFLICT', message } }));
    expect(await receipt.confirm()).toBe(false);
    expect(receipt.error).toMatchObject({ code: 'CONFLICT', message });
    expect(receipt.lines).toHaveLength(1);
    expect(receipt.outcome).toBeNull();
  });

  it('saves a new supplier and selects it', async () => {
    const { server, receipt } = await setUp();
    const created = { id: crypto.randomUUID(), rut: '96500000-1', name: 'Agrícola Sur', giro: 'Frutas' };
    server.on('supplier:save', () => created);
    expect(await receipt.saveSupplier({ rut: created.rut, name: created.name, giro: created.giro })).toBe(
      true,
    );
    expect(receipt.suppliers.map((s) => s.name)).toEqual(['Agrícola Sur', 'Distribuidora Uno']);
    expect(receipt.supplierId).toBe(created.id);
  });
});
