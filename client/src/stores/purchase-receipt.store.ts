import type { ErrorPayload } from '@erp/shared/errors';
import type { ProductView, ReceiptView, SupplierView } from '@erp/shared/events/index';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { z } from 'zod';
import { type DraftLine, draftLines } from './draft-lines.ts';
import { STORE_IDS } from './ids.ts';
import { lineGross, parseQuantity } from './quantity.ts';
import { type NotificationPayload, useRealtimeStore } from './realtime.store.ts';
import { useWarehousesStore } from './warehouses.store.ts';

export type Supplier = z.output<typeof SupplierView>;
export type DocumentType = 33 | 34 | 52;

export interface ReceiptLine extends DraftLine {
  /** Net unit cost in whole pesos, as typed (`'1250'`); empty until the person types it. */
  unitCost: string;
}

/** Stock and PPP of a product in the receiving warehouse (the PPP only for a role that sees costs). */
export interface LevelSnapshot {
  quantity: string;
  averageCost?: string | undefined;
}

/** What the confirmed receipt changed, per line: before (as the tablet last knew it) and after. */
export interface ReceiptOutcome {
  receipt: z.output<typeof ReceiptView>;
  lines: {
    productId: string;
    name: string;
    weighable: boolean;
    quantity: string;
    unitCost: string;
    before: LevelSnapshot | null;
    stock: string;
    averageCost: string;
  }[];
}

export type ReceiptProblem =
  | { kind: 'supplier' }
  | { kind: 'folio' }
  | { kind: 'lines' }
  | { kind: 'quantity'; name: string }
  | { kind: 'cost'; name: string };

const PESOS = /^\d{1,9}$/;

/** Whole pesos as typed, or null: `'1250'` → 1250; `'1.250'`, `''` → null. */
export function parsePesos(text: string): number | null {
  const clean = text.trim();
  return PESOS.test(clean) ? Number(clean) : null;
}

/**
 * A goods receipt put together on the tablet: supplier and document, products scanned with
 * quantities and net unit costs, line totals in whole pesos. Each product's current stock and
 * PPP in the receiving warehouse is read when it is first scanned and kept live, so the person
 * sees the PPP move when the receipt is confirmed.
 */
export const usePurchaseReceiptStore = defineStore(STORE_IDS.PURCHASE_RECEIPT, () => {
  const suppliers = ref<Supplier[]>([]);
  const supplierId = ref<string | null>(null);
  const documentType = ref<DocumentType>(33);
  const folio = ref('');
  const draft = draftLines<ReceiptLine>();
  const current = ref(new Map<string, LevelSnapshot>());
  const outcome = ref<ReceiptOutcome | null>(null);
  const sending = ref(false);
  const error = ref<ErrorPayload | null>(null);

  function lineTotal(line: ReceiptLine): number | null {
    const quantity = parseQuantity(line.quantity);
    const cost = parsePesos(line.unitCost);
    return quantity === null || cost === null ? null : lineGross(cost, quantity);
  }

  const total = computed(() => draft.lines.value.reduce((sum, line) => sum + (lineTotal(line) ?? 0), 0));

  /** The first thing keeping the receipt from being confirmed, or null. */
  const problem = computed<ReceiptProblem | null>(() => {
    if (!supplierId.value) return { kind: 'supplier' };
    if (!/^[1-9]\d{0,9}$/.test(folio.value.trim())) return { kind: 'folio' };
    if (draft.lines.value.length === 0) return { kind: 'lines' };
    for (const line of draft.lines.value) {
      if (parseQuantity(line.quantity) === null) return { kind: 'quantity', name: line.name };
      if (parsePesos(line.unitCost) === null) return { kind: 'cost', name: line.name };
    }
    return null;
  });

  async function loadSuppliers(): Promise<void> {
    const answer = await useRealtimeStore().command('supplier:list', {});
    if (answer.ok) suppliers.value = answer.data;
    else error.value = answer.error;
  }

  async function saveSupplier(input: { rut: string; name: string; giro: string }): Promise<boolean> {
    const answer = await useRealtimeStore().command('supplier:save', input);
    if (!answer.ok) {
      error.value = answer.error;
      return false;
    }
    error.value = null;
    const saved = answer.data;
    suppliers.value = [...suppliers.value.filter((s) => s.id !== saved.id), saved].sort((a, b) =>
      a.name.localeCompare(b.name, 'es'),
    );
    supplierId.value = saved.id;
    return true;
  }

  async function readLevels(productIds: string[]): Promise<void> {
    const warehouseId = useWarehousesStore().currentId;
    if (!warehouseId || productIds.length === 0) return;
    const answer = await useRealtimeStore().command('stock:list', { warehouseId, productIds });
    if (!answer.ok) return; // only informative: the receipt does not depend on it
    for (const id of productIds) {
      const level = answer.data.find((l) => l.productId === id);
      // No row yet: the product never moved here, so nothing on hand at no cost.
      current.value.set(
        id,
        level
          ? { quantity: level.quantity, averageCost: level.averageCost }
          : { quantity: '0.000', averageCost: '0.000000' },
      );
    }
  }

  /** Adds a scanned product; the unit cost of a new line starts empty (the supplier's document has it). */
  function add(product: ProductView, quantity: string): ReceiptLine {
    outcome.value = null;
    const isNew = !draft.find(product.id);
    const line = draft.add(product, quantity, { unitCost: '' });
    if (isNew) void readLevels([product.id]);
    return line;
  }

  async function confirm(): Promise<boolean> {
    const warehouseId = useWarehousesStore().currentId;
    if (problem.value || !warehouseId || !supplierId.value || sending.value) return false;
    const lines = draft.lines.value.map((l) => ({
      productId: l.productId,
      quantity: parseQuantity(l.quantity)!,
      unitCost: String(parsePesos(l.unitCost)!),
    }));
    // Before sending: this receipt's own stock:changed may arrive ahead of its answer.
    const before = new Map(current.value);
    sending.value = true;
    error.value = null;
    try {
      const answer = await useRealtimeStore().command('receipt:create', {
        supplierId: supplierId.value,
        warehouseId,
        documentType: documentType.value,
        folio: Number(folio.value.trim()),
        lines,
      });
      if (!answer.ok) {
        error.value = answer.error;
        return false;
      }
      const byId = new Map(draft.lines.value.map((l) => [l.productId, l]));
      outcome.value = {
        receipt: answer.data,
        lines: answer.data.lines.map((l) => {
          const line = byId.get(l.productId);
          return {
            productId: l.productId,
            name: line?.name ?? l.productId,
            weighable: line?.weighable ?? false,
            quantity: l.quantity,
            unitCost: l.unitCost,
            before: before.get(l.productId) ?? null,
            stock: l.stock,
            averageCost: l.averageCost,
          };
        }),
      };
      draft.clear();
      folio.value = '';
      current.value = new Map();
      return true;
    } finally {
      sending.value = false;
    }
  }

  function onStockChanged({ changes }: NotificationPayload<'stock:changed'>): void {
    const warehouseId = useWarehousesStore().currentId;
    for (const change of changes) {
      if (change.warehouseId === warehouseId && current.value.has(change.productId)) {
        current.value.set(change.productId, { quantity: change.quantity, averageCost: change.averageCost });
      }
    }
  }

  /** Another warehouse: the levels shown are re-read there. */
  async function warehouseChanged(): Promise<void> {
    await readLevels(draft.lines.value.map((l) => l.productId));
  }

  function newReceipt(): void {
    outcome.value = null;
    error.value = null;
  }

  let stopFns: (() => void)[] = [];
  function start(): void {
    if (stopFns.length) return;
    const realtime = useRealtimeStore();
    stopFns = [
      realtime.addEventListener('stock:changed', onStockChanged),
      realtime.onResync(async () => {
        await Promise.all([loadSuppliers(), warehouseChanged()]);
      }),
    ];
  }
  function stop(): void {
    for (const off of stopFns) off();
    stopFns = [];
  }

  return {
    suppliers,
    supplierId,
    documentType,
    folio,
    lines: draft.lines,
    current,
    outcome,
    sending,
    error,
    total,
    problem,
    lineTotal,
    loadSuppliers,
    saveSupplier,
    add,
    update: draft.update,
    remove: draft.remove,
    confirm,
    warehouseChanged,
    newReceipt,
    start,
    stop,
  };
});
