import { type ErrorPayload, fail, type Result } from '@erp/shared/errors';
import { type PaymentInput, PriceChange, type SaleCommit, type SaleResult } from '@erp/shared/events/index';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { z } from 'zod';
import { type PosDb, posDbFor } from '../storage/pos-db.ts';
import { useCartStore } from './cart.store.ts';
import { STORE_IDS } from './ids.ts';
import { useRealtimeStore } from './realtime.store.ts';
import { useSessionStore } from './session.store.ts';

export type SaleCommitInput = z.input<typeof SaleCommit>;
export type SaleAnswer = z.output<typeof SaleResult>;
export type PriceChangeItem = z.output<typeof PriceChange>;
export type Payment = z.input<typeof PaymentInput>;

/** A line as the receipt preview shows it (the server's result has totals, not lines). */
export interface ReceiptLine {
  name: string;
  quantity: string;
  weighable: boolean;
  unitPrice: number;
  amount: number;
}

/** A sale sent (or about to be) and not yet acknowledged: replayed as is until the server answers. */
export interface PendingSale {
  payload: SaleCommitInput;
  lines: ReceiptLine[];
  customerName: string | null;
  queuedAt: string;
}

export interface Receipt {
  result: SaleAnswer;
  lines: ReceiptLine[];
  customerName: string | null;
}

/** The server did not answer (or could not be reached): the sale stays queued. */
const UNKNOWN_OUTCOME: readonly string[] = ['OFFLINE', 'TIMEOUT'];
export const SALE_TIMEOUT_MS = 20_000;

const PriceChangedDetails = z.object({ changes: z.array(PriceChange) });

/** The current prices a PRICE_CHANGED answer carries, or null for any other error. */
export function priceChangesOf(error: ErrorPayload): PriceChangeItem[] | null {
  if (error.code !== 'PRICE_CHANGED') return null;
  const parsed = PriceChangedDetails.safeParse(error.details);
  return parsed.success ? parsed.data.changes : null;
}

/**
 * Durable sale commits. A sale is written to the IndexedDB outbox *before* it is sent and
 * leaves it only when the server answers: on success (the folio and TED are the server's,
 * never invented here) or on a definite refusal (PRICE_CHANGED, validation), which rolled the
 * sale back so it may be corrected and sent again with the same id. When the answer never
 * came (TIMEOUT, OFFLINE), the exact same payload is resent after reconnecting; the server
 * returns the original result for a repeated `saleId`.
 */
export const useCheckoutStore = defineStore(STORE_IDS.CHECKOUT, () => {
  const pending = ref<PendingSale[]>([]);
  /** The last acknowledged sale, for the receipt preview. */
  const receipt = ref<Receipt | null>(null);
  /** Sale ids sent and not answered yet. */
  const inFlight = ref<string[]>([]);

  let db: PosDb | null = null;

  const pendingCount = computed(() => pending.value.length);
  const sending = computed(() => inFlight.value.length > 0);

  function isPending(saleId: string): boolean {
    return pending.value.some((p) => p.payload.saleId === saleId);
  }

  /** Queued, not being sent, and its outcome unknown: it waits for a reconnection or a retry. */
  function isWaiting(saleId: string): boolean {
    return isPending(saleId) && !inFlight.value.includes(saleId);
  }

  async function forget(saleId: string): Promise<void> {
    pending.value = pending.value.filter((p) => p.payload.saleId !== saleId);
    await db?.delete('outbox', saleId);
  }

  async function send(sale: PendingSale): Promise<Result<SaleAnswer>> {
    const { saleId } = sale.payload;
    if (inFlight.value.includes(saleId)) return fail('TIMEOUT');
    inFlight.value = [...inFlight.value, saleId];
    try {
      const answer = await useRealtimeStore().command('sale:commit', sale.payload, {
        timeoutMs: SALE_TIMEOUT_MS,
      });
      if (!answer.ok && UNKNOWN_OUTCOME.includes(answer.error.code)) return answer;
      await forget(saleId);
      if (answer.ok) {
        receipt.value = { result: answer.data, lines: sale.lines, customerName: sale.customerName };
        useCartStore().settle(saleId);
      }
      return answer;
    } finally {
      inFlight.value = inFlight.value.filter((id) => id !== saleId);
    }
  }

  /** Queues the sale durably, then sends it. */
  async function commit(sale: Omit<PendingSale, 'queuedAt'>): Promise<Result<SaleAnswer>> {
    if (isPending(sale.payload.saleId)) return fail('VALIDATION', 'Esta venta ya se está enviando.');
    const entry: PendingSale = JSON.parse(JSON.stringify({ ...sale, queuedAt: new Date().toISOString() }));
    await db?.put('outbox', entry, entry.payload.saleId);
    pending.value = [...pending.value, entry];
    return send(entry);
  }

  /** Resends every queued sale, unchanged; runs after each reconnection. */
  async function flush(): Promise<void> {
    for (const sale of [...pending.value]) await send(sale);
  }

  /** Resends one queued sale now (the cashier pressed "Reintentar"). */
  async function retry(saleId: string): Promise<Result<SaleAnswer>> {
    const sale = pending.value.find((p) => p.payload.saleId === saleId);
    return sale ? send(sale) : fail('NOT_FOUND');
  }

  function closeReceipt(): void {
    receipt.value = null;
  }

  let off: (() => void) | null = null;
  /**
   * Loads the outbox left by a previous page (reload, crash) and resends it on every connect.
   * Start the cart first, so an acknowledged sale settles the ticket restored from disk.
   */
  async function start(): Promise<void> {
    if (db) return;
    const session = useSessionStore();
    db = await posDbFor(session.tenantSlug!, session.storeId!);
    pending.value = (await db.getAll<PendingSale>('outbox')).sort((a, b) =>
      a.queuedAt.localeCompare(b.queuedAt),
    );
    off = useRealtimeStore().onResync(flush);
  }
  function stop(): void {
    off?.();
    off = null;
    db = null;
  }

  return {
    pending,
    receipt,
    inFlight,
    sending,
    pendingCount,
    isPending,
    isWaiting,
    commit,
    flush,
    retry,
    closeReceipt,
    start,
    stop,
  };
});
