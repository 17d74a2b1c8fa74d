import { describe, expect, it } from 'vitest';
import { BroadcastThrottle } from './broadcast-throttle.ts';
import type { AppNamespace } from './types.ts';

/** A namespace that records what each room was sent. */
function recordingNamespace(name = '/t/a') {
  const sent: { room: string; event: string; payload: unknown; at: number }[] = [];
  const nsp = {
    name,
    to: (room: string) => ({
      emit: (event: string, payload: unknown) => sent.push({ room, event, payload, at: Date.now() }),
    }),
  } as unknown as AppNamespace;
  return { nsp, sent };
}

const stock = (productId: string, quantity: string) => ({ warehouseId: 'w', productId, quantity });
const byProduct = (change: unknown) => (change as { productId: string }).productId;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('BroadcastThrottle', () => {
  it('sends the first change at once and the rest of the window together, latest per key', async () => {
    const { nsp, sent } = recordingNamespace();
    const throttle = new BroadcastThrottle(byProduct, 50);
    throttle.send(nsp, 'store:1', 'stock:changed', [stock('a', '9')]);
    expect(sent).toHaveLength(1);
    throttle.send(nsp, 'store:1', 'stock:changed', [stock('a', '8'), stock('b', '4')]);
    throttle.send(nsp, 'store:1', 'stock:changed', [stock('c', '1')]);
    throttle.send(nsp, 'store:1', 'stock:changed', [stock('a', '7')]);
    expect(sent).toHaveLength(1);
    await sleep(80);
    expect(sent).toHaveLength(2);
    expect(sent[1]!.payload).toEqual({ changes: [stock('a', '7'), stock('b', '4'), stock('c', '1')] });
    // A quiet window later, the next change goes out at once again.
    await sleep(120);
    throttle.send(nsp, 'store:1', 'stock:changed', [stock('b', '3')]);
    expect(sent).toHaveLength(3);
  });

  it('keeps rooms and tenants apart', async () => {
    const a = recordingNamespace('/t/a');
    const b = recordingNamespace('/t/b');
    const throttle = new BroadcastThrottle(byProduct, 50);
    throttle.send(a.nsp, 'store:1', 'stock:changed', [stock('a', '9')]);
    throttle.send(a.nsp, 'store:2', 'stock:changed', [stock('a', '5')]);
    throttle.send(b.nsp, 'store:1', 'stock:changed', [stock('z', '1')]);
    expect(a.sent.map((s) => s.room)).toEqual(['store:1', 'store:2']);
    expect(b.sent).toEqual([expect.objectContaining({ payload: { changes: [stock('z', '1')] } })]);
    throttle.send(a.nsp, 'store:1', 'stock:changed', [stock('a', '8')]);
    await sleep(80);
    expect(a.sent).toHaveLength(3);
    expect(b.sent).toHaveLength(1);
  });
});
