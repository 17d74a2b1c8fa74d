// @vitest-environment happy-dom
import { createPinia, setActivePinia } from 'pinia';
import { beforeEach, describe, expect, it } from 'vitest';
import { fakeRealtime, signedIn } from '../test/fake-realtime.ts';
import { product } from '../test/products.ts';
import { testWarehouses } from '../test/warehouses.ts';
import { type Transfer, useTransfersStore } from './transfers.store.ts';
import { useWarehousesStore } from './warehouses.store.ts';

const leche = product({ code: 'LEC-01', name: 'Leche entera 1 L' });
const arroz = product({ code: 'ARR-01', name: 'Arroz 1 kg' });

function transfer(from: string, to: string, lines: [string, string][]): Transfer {
  return {
    id: crypto.randomUUID(),
    fromWarehouseId: from,
    toWarehouseId: to,
    status: 'sent',
    lines: lines.map(([productId, quantitySent]) => ({
      productId,
      quantitySent,
      unitCost: '500.000000',
      quantityReceived: null,
      difference: null,
    })),
  };
}

async function setUp() {
  const storeA = signedIn();
  const server = fakeRealtime();
  const [a, b, central] = testWarehouses(storeA);
  const inbound = transfer(central!.id, a!.id, [
    [leche.id, '12.000'],
    [arroz.id, '6.000'],
  ]);
  const outbound = transfer(a!.id, b!.id, [[leche.id, '1.000']]);
  server.on('warehouse:list', () => [a!, b!, central!]);
  server.on('transfer:list', () => [inbound, outbound]);
  const warehouses = useWarehousesStore();
  const transfers = useTransfersStore();
  warehouses.start();
  transfers.start();
  await server.resync();
  return { server, a: a!, b: b!, central: central!, inbound, outbound, transfers };
}

describe('transfers store', () => {
  beforeEach(() => {
    setActivePinia(createPinia());
    localStorage.clear();
  });

  it('splits what is coming here from what left and is in transit, and hears new transfers live', async () => {
    const { server, a, b, central, inbound, outbound, transfers } = await setUp();
    expect(transfers.incoming.map((t) => t.id)).toEqual([inbound.id]);
    expect(transfers.outgoing.map((t) => t.id)).toEqual([outbound.id]);
    expect(transfers.received[inbound.id]).toEqual({ [leche.id]: '12', [arroz.id]: '6' });

    const another = transfer(central.id, a.id, [[arroz.id, '2.500']]);
    server.emit('transfer:sent', another);
    server.emit('transfer:sent', another);
    server.emit('transfer:sent', transfer(central.id, b.id, [[arroz.id, '1.000']]));
    expect(transfers.incoming.map((t) => t.id)).toEqual([another.id, inbound.id]);
    expect(transfers.received[another.id]).toEqual({ [arroz.id]: '2,5' });
  });

  it('sends the scanned lines to another warehouse', async () => {
    const { server, a, b, transfers } = await setUp();
    transfers.add(leche, '1.000');
    expect(transfers.problem).toEqual({ kind: 'destination' });
    transfers.toWarehouseId = a.id;
    expect(transfers.problem).toEqual({ kind: 'destination' });
    transfers.toWarehouseId = b.id;
    transfers.add(leche, '1.000');
    transfers.add(arroz, '1.000');
    transfers.update(arroz.id, { quantity: 'x' });
    expect(transfers.problem).toEqual({ kind: 'quantity', name: 'Arroz 1 kg' });
    transfers.update(arroz.id, { quantity: '3' });

    const sent = transfer(a.id, b.id, [
      [arroz.id, '3.000'],
      [leche.id, '2.000'],
    ]);
    server.on('transfer:send', () => sent);
    expect(await transfers.send()).toEqual(sent);
    expect(server.sent.find((s) => s.name === 'transfer:send')?.payload).toEqual({
      fromWarehouseId: a.id,
      toWarehouseId: b.id,
      lines: [
        { productId: arroz.id, quantity: '3.000' },
        { productId: leche.id, quantity: '2.000' },
      ],
    });
    expect(transfers.lines).toEqual([]);
    expect(transfers.lastSent).toEqual(sent);
    expect(transfers.outgoing.map((t) => t.id)).toContain(sent.id);
  });

  it('receives with what arrived: untouched lines as sent, 0 for nothing, others as typed', async () => {
    const { server, inbound, transfers } = await setUp();
    transfers.received[inbound.id]![leche.id] = '11';
    transfers.received[inbound.id]![arroz.id] = 'seis';
    expect(transfers.receiveProblem(inbound.id)).toBe(arroz.id);
    expect(await transfers.receive(inbound.id)).toBeNull();
    transfers.received[inbound.id]![arroz.id] = '0';
    const done: Transfer = {
      ...inbound,
      status: 'received',
      lines: inbound.lines.map((l) => ({
        ...l,
        quantityReceived: l.productId === leche.id ? '11.000' : '0.000',
        difference: l.productId === leche.id ? '-1.000' : '-6.000',
      })),
    };
    server.on('transfer:receive', () => done);
    expect(await transfers.receive(inbound.id)).toEqual(done);
    expect(server.sent.find((s) => s.name === 'transfer:receive')?.payload).toEqual({
      transferId: inbound.id,
      lines: [
        { productId: leche.id, quantityReceived: '11.000' },
        { productId: arroz.id, quantityReceived: '0.000' },
      ],
    });
    expect(transfers.incoming).toEqual([]);
    expect(transfers.hasDifferences(done)).toBe(true);
  });

  it('reloads the list when another device received the transfer first', async () => {
    const { server, inbound, outbound, transfers } = await setUp();
    server.on('transfer:receive', () => ({
      ok: false,
      error: { code: 'CONFLICT', message: 'La transferencia ya fue recibida.' },
    }));
    server.on('transfer:list', () => [outbound]);
    expect(await transfers.receive(inbound.id)).toBeNull();
    expect(transfers.error?.message).toBe('La transferencia ya fue recibida.');
    expect(transfers.incoming).toEqual([]);
  });
});
