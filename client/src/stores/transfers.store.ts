import type { ErrorPayload } from '@erp/shared/errors';
import type { ProductView, TransferView } from '@erp/shared/events/index';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { z } from 'zod';
import { type DraftLine, draftLines, typedQuantity } from './draft-lines.ts';
import { STORE_IDS } from './ids.ts';
import { parseQuantity } from './quantity.ts';
import { type NotificationPayload, useRealtimeStore } from './realtime.store.ts';
import { useWarehousesStore } from './warehouses.store.ts';

export type Transfer = z.output<typeof TransferView>;

export type SendProblem = { kind: 'destination' } | { kind: 'lines' } | { kind: 'quantity'; name: string };

/** What typed received quantities mean: `'0'` is allowed (nothing arrived), empty means as sent. */
function parseReceived(text: string): string | null {
  return text.trim() === '0' ? '0.000' : parseQuantity(text);
}

/**
 * Transfers of the device's warehouse: a draft to send (destination and scanned lines), the
 * transfers on their way here (live through `transfer:sent`) with what actually arrived, and
 * the ones this warehouse sent that are still in transit.
 */
export const useTransfersStore = defineStore(STORE_IDS.TRANSFERS, () => {
  const toWarehouseId = ref<string | null>(null);
  const draft = draftLines<DraftLine>();
  const pending = ref<Transfer[]>([]);
  /** Typed received quantities by transfer id, then product id. */
  const received = ref<Record<string, Record<string, string>>>({});
  const sending = ref(false);
  const receivingId = ref<string | null>(null);
  const lastSent = ref<Transfer | null>(null);
  const lastReceived = ref<Transfer | null>(null);
  const error = ref<ErrorPayload | null>(null);

  const here = () => useWarehousesStore().currentId;
  const incoming = computed(() => pending.value.filter((t) => t.toWarehouseId === here()));
  const outgoing = computed(() => pending.value.filter((t) => t.fromWarehouseId === here()));

  const problem = computed<SendProblem | null>(() => {
    if (!toWarehouseId.value || toWarehouseId.value === here()) return { kind: 'destination' };
    if (draft.lines.value.length === 0) return { kind: 'lines' };
    const bad = draft.lines.value.find((l) => parseQuantity(l.quantity) === null);
    return bad ? { kind: 'quantity', name: bad.name } : null;
  });

  function fillReceived(transfer: Transfer): void {
    received.value[transfer.id] ??= Object.fromEntries(
      transfer.lines.map((l) => [l.productId, typedQuantity(l.quantitySent)]),
    );
  }

  function keep(transfers: Transfer[]): void {
    pending.value = transfers;
    for (const t of transfers) if (t.toWarehouseId === here()) fillReceived(t);
  }

  async function load(): Promise<void> {
    const warehouseId = here();
    if (!warehouseId) return;
    const answer = await useRealtimeStore().command('transfer:list', { warehouseId, status: 'sent' });
    if (!answer.ok) {
      error.value = answer.error;
      return;
    }
    if (warehouseId === here()) keep(answer.data);
  }

  function add(product: ProductView, quantity: string): DraftLine {
    lastSent.value = null;
    return draft.add(product, quantity, {});
  }

  async function send(): Promise<Transfer | null> {
    const fromWarehouseId = here();
    if (problem.value || !fromWarehouseId || !toWarehouseId.value || sending.value) return null;
    sending.value = true;
    error.value = null;
    try {
      const answer = await useRealtimeStore().command('transfer:send', {
        fromWarehouseId,
        toWarehouseId: toWarehouseId.value,
        lines: draft.lines.value.map((l) => ({
          productId: l.productId,
          quantity: parseQuantity(l.quantity)!,
        })),
      });
      if (!answer.ok) {
        error.value = answer.error;
        return null;
      }
      pending.value = [answer.data, ...pending.value.filter((t) => t.id !== answer.data.id)];
      draft.clear();
      lastSent.value = answer.data;
      return answer.data;
    } finally {
      sending.value = false;
    }
  }

  /** The received quantity typed for a line that is not a number (empty means as sent), or null. */
  function receiveProblem(transferId: string): string | null {
    const transfer = pending.value.find((t) => t.id === transferId);
    const typed = received.value[transferId] ?? {};
    for (const line of transfer?.lines ?? []) {
      const text = typed[line.productId] ?? '';
      if (text.trim() !== '' && parseReceived(text) === null) return line.productId;
    }
    return null;
  }

  async function receive(transferId: string): Promise<Transfer | null> {
    const transfer = pending.value.find((t) => t.id === transferId);
    if (!transfer || receivingId.value || receiveProblem(transferId)) return null;
    const typed = received.value[transferId] ?? {};
    const lines = transfer.lines.flatMap((l) => {
      const text = typed[l.productId] ?? '';
      return text.trim() === '' ? [] : [{ productId: l.productId, quantityReceived: parseReceived(text)! }];
    });
    receivingId.value = transferId;
    error.value = null;
    try {
      const answer = await useRealtimeStore().command('transfer:receive', { transferId, lines });
      if (!answer.ok) {
        error.value = answer.error;
        // Received meanwhile on another device: the list is stale.
        if (answer.error.code === 'CONFLICT') await load();
        return null;
      }
      pending.value = pending.value.filter((t) => t.id !== transferId);
      delete received.value[transferId];
      lastReceived.value = answer.data;
      return answer.data;
    } finally {
      receivingId.value = null;
    }
  }

  function hasDifferences(transfer: Transfer): boolean {
    return transfer.lines.some((l) => l.difference !== null && /[1-9]/.test(l.difference));
  }

  function onTransferSent(transfer: NotificationPayload<'transfer:sent'>): void {
    if (transfer.toWarehouseId !== here() || pending.value.some((t) => t.id === transfer.id)) return;
    pending.value = [transfer, ...pending.value];
    fillReceived(transfer);
  }

  let stopFns: (() => void)[] = [];
  function start(): void {
    if (stopFns.length) return;
    const realtime = useRealtimeStore();
    stopFns = [realtime.addEventListener('transfer:sent', onTransferSent), realtime.onResync(load)];
  }
  function stop(): void {
    for (const off of stopFns) off();
    stopFns = [];
  }

  return {
    toWarehouseId,
    lines: draft.lines,
    pending,
    incoming,
    outgoing,
    received,
    sending,
    receivingId,
    lastSent,
    lastReceived,
    error,
    problem,
    load,
    add,
    update: draft.update,
    remove: draft.remove,
    send,
    receiveProblem,
    receive,
    hasDifferences,
    start,
    stop,
  };
});
