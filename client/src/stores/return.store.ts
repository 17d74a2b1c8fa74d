import { type ErrorPayload, fail, type Result } from '@erp/shared/errors';
import type { ReturnableSale, ReturnResult, SaleReturnInput } from '@erp/shared/events/index';
import { divRoundHalfUp } from '@erp/shared/money';
import { randomUuid } from '@erp/shared/uuid';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { z } from 'zod';
import { parseSaleReference, type ReturnableDocType, tedMatches } from '../apps/pos/sale-reference.ts';
import type { Approval } from './approvers.store.ts';
import { STORE_IDS } from './ids.ts';
import { fromMilli, lineGross, toMilli } from './quantity.ts';
import { useRealtimeStore } from './realtime.store.ts';
import { useTillStore } from './till.store.ts';

export type OriginalSale = z.output<typeof ReturnableSale>;
export type ReturnAnswer = z.output<typeof ReturnResult>;
export type RefundMethod = z.input<typeof SaleReturnInput>['refundMethod'];

export interface ReturnLine {
  lineNo: number;
  name: string;
  weighable: boolean;
  unitPrice: number;
  /** Sold, already returned, still returnable and chosen now: wire quantities (`'2.000'`). */
  sold: string;
  returned: string;
  available: string;
  chosen: string;
  /** What the chosen quantity is worth as sold: the unit price and its share of the line discount. */
  amount: number;
}

export interface ReturnRequest {
  warehouseId: string;
  refundMethod: RefundMethod;
  reason: string;
  approval: Approval;
}

/** The server answered nothing (or could not be reached): the return may or may not exist. */
const UNKNOWN_OUTCOME: readonly string[] = ['OFFLINE', 'TIMEOUT'];
export const RETURN_TIMEOUT_MS = 20_000;

const ZERO = '0.000';
const sub = (a: string, b: string) => fromMilli(toMilli(a) - toMilli(b));
const min = (a: string, b: string) => (toMilli(a) < toMilli(b) ? a : b);

/**
 * A return at the till: find the original (scanned timbre or type + folio), choose lines and
 * quantities up to what is still returnable, and send `sale:return` with the approval of a
 * supervisor of this store (their approval PIN, never their password). The return id is kept
 * while the same return is retried, so an answer lost on the way is never a second nota de
 * crédito; the PIN is never stored.
 */
export const useReturnStore = defineStore(STORE_IDS.RETURN, () => {
  const sale = ref<OriginalSale | null>(null);
  /** Chosen quantity per original line number. */
  const chosen = ref<Record<number, string>>({});
  const result = ref<ReturnAnswer | null>(null);
  const error = ref<ErrorPayload | null>(null);
  const busy = ref(false);
  /** The last return sent without a definite answer: same content, same id. */
  let attempt: { fingerprint: string; returnId: string } | null = null;

  const lines = computed<ReturnLine[]>(() =>
    (sale.value?.lines ?? []).map((line) => {
      const available = sub(line.quantity, line.returned);
      const quantity = chosen.value[line.lineNo] ?? ZERO;
      const discount = Number(
        divRoundHalfUp(BigInt(line.discount) * toMilli(quantity), toMilli(line.quantity)),
      );
      return {
        lineNo: line.lineNo,
        name: line.name,
        weighable: line.weighable,
        unitPrice: line.unitPrice,
        sold: line.quantity,
        returned: line.returned,
        available,
        chosen: quantity,
        amount: lineGross(line.unitPrice, quantity) - discount,
      };
    }),
  );
  const selection = computed(() =>
    lines.value.filter((l) => toMilli(l.chosen) > 0n).map((l) => ({ lineNo: l.lineNo, quantity: l.chosen })),
  );
  /** Sum of the chosen lines as sold; the nota de crédito's total may differ by a peso (it is computed from net prices). */
  const amount = computed(() => lines.value.reduce((sum, l) => sum + l.amount, 0));
  /** Nothing returned before and everything chosen now: the nota de crédito annuls the sale (CodRef 1). */
  const annulsWhole = computed(
    () => lines.value.length > 0 && lines.value.every((l) => l.returned === ZERO && l.chosen === l.sold),
  );
  const fullyReturned = computed(
    () => lines.value.length > 0 && lines.value.every((l) => toMilli(l.available) === 0n),
  );

  function clear(): void {
    sale.value = null;
    chosen.value = {};
    result.value = null;
    error.value = null;
    attempt = null;
  }

  /** Finds the original from a scanned timbre, `type-folio`, or a folio of the chosen type. */
  async function find(text: string, docType: ReturnableDocType): Promise<Result<OriginalSale>> {
    const scan = parseSaleReference(text, docType);
    if (!scan)
      return refuse(fail('VALIDATION', 'No se reconoce un documento: escanee el timbre o ingrese el folio.'));
    busy.value = true;
    const found = await useRealtimeStore().command('sale:find', {
      original: { docType: scan.docType, folio: scan.folio },
    });
    busy.value = false;
    if (!found.ok) return refuse(found);
    if (!tedMatches(scan, found.data)) {
      return refuse(
        fail(
          'VALIDATION',
          'El timbre no corresponde a la venta con ese folio (fecha o total distintos): no es de esta empresa.',
        ),
      );
    }
    clear();
    sale.value = found.data;
    return found;
  }

  function refuse<T>(answer: Result<T> & { ok: false }): Result<T> {
    clear();
    error.value = answer.error;
    return answer;
  }

  /** Chooses a quantity of a line, capped to what is still returnable. */
  function choose(lineNo: number, quantity: string): void {
    const line = lines.value.find((l) => l.lineNo === lineNo);
    if (!line) return;
    const milli = toMilli(quantity);
    chosen.value = { ...chosen.value, [lineNo]: milli <= 0n ? ZERO : min(fromMilli(milli), line.available) };
  }

  /** One unit more or less (weighed lines go all or nothing). */
  function step(lineNo: number, delta: 1 | -1): void {
    const line = lines.value.find((l) => l.lineNo === lineNo);
    if (!line) return;
    if (line.weighable) choose(lineNo, delta > 0 ? line.available : ZERO);
    else choose(lineNo, fromMilli(toMilli(line.chosen) + BigInt(delta) * 1000n));
  }

  function chooseAll(): void {
    for (const line of lines.value) choose(line.lineNo, line.available);
  }

  function chooseNone(): void {
    chosen.value = {};
  }

  /**
   * Sends the return. The id stays the same while the content does (a retry after a lost
   * answer); the server answers a repeated id with the nota de crédito it issued the first time.
   */
  async function submit(
    till: { terminalId: string; cashSessionId: string },
    request: ReturnRequest,
  ): Promise<Result<ReturnAnswer>> {
    if (!sale.value || selection.value.length === 0) return fail('VALIDATION', 'Elija qué devolver.');
    const body = {
      terminalId: till.terminalId,
      cashSessionId: till.cashSessionId,
      original: { saleId: sale.value.saleId },
      lines: selection.value,
      warehouseId: request.warehouseId,
      refundMethod: request.refundMethod,
      reason: request.reason.trim(),
    };
    const fingerprint = JSON.stringify(body);
    if (attempt?.fingerprint !== fingerprint) attempt = { fingerprint, returnId: randomUuid() };
    busy.value = true;
    const answer = await useRealtimeStore().command(
      'sale:return',
      { ...body, returnId: attempt.returnId, approval: request.approval },
      { timeoutMs: RETURN_TIMEOUT_MS },
    );
    busy.value = false;
    if (answer.ok) {
      attempt = null;
      result.value = answer.data;
      error.value = null;
      // The refund went through the cash session: show the drawer as the server has it now.
      await useTillStore().refreshSession();
    } else if (!UNKNOWN_OUTCOME.includes(answer.error.code)) {
      attempt = null;
    }
    return answer;
  }

  return {
    sale,
    lines,
    selection,
    amount,
    annulsWhole,
    fullyReturned,
    result,
    error,
    busy,
    find,
    choose,
    step,
    chooseAll,
    chooseNone,
    submit,
    clear,
  };
});
