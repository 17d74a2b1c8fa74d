import { type ErrorPayload, fail, type Result } from '@erp/shared/errors';
import type { StoreView, TillCloseReport, TillSessionView } from '@erp/shared/events/index';
import type { TenantSettings } from '@erp/shared/settings';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { z } from 'zod';
import { STORE_IDS } from './ids.ts';
import { type NotificationPayload, useRealtimeStore } from './realtime.store.ts';
import { useSessionStore } from './session.store.ts';

/** The session as the till is told it: without the expected cash for a cashier (blind close). */
export type CashSession = z.output<typeof TillSessionView>;
export type CloseReport = z.output<typeof TillCloseReport>;
export type Store = z.output<typeof StoreView>;
/** Bills and coins counted, by denomination (`'20000'` → 3). */
export type DenominationCounts = Partial<Record<string, number>>;

/** localStorage: which terminal (caja) this device is, per company and store. */
export const TERMINAL_STORAGE_KEY = (tenantSlug: string, storeId: string) =>
  `erp-market.terminal.v1:${tenantSlug}:${storeId}`;

/**
 * The till: which terminal this device is (chosen once, remembered on the device), its cash
 * session (`cash:current`), opening with a float, and the blind close by denomination. A
 * cashier never gets the expected cash (nor the cash sales), before or after the close; a
 * supervisor at the till gets every figure. The store keeps what the server sends.
 */
export const useTillStore = defineStore(STORE_IDS.TILL, () => {
  const store = ref<Store | null>(null);
  const terminalId = ref<string | null>(null);
  const cashSession = ref<CashSession | null>(null);
  /** The server's answer to the blind count; shown until the cashier starts again. */
  const closeReport = ref<CloseReport | null>(null);
  const loaded = ref(false);
  const error = ref<ErrorPayload | null>(null);
  /** The company's UF (null: not set, or not read yet; the conservative fallback applies as on the server). */
  const uf = ref<TenantSettings['uf']>(null);
  /**
   * The largest discount (percent) the signed-in person gives without a supervisor, as the server
   * checks it (0 until read: every discount then asks for a supervisor, never the other way).
   */
  const discountLimit = ref(0);

  const terminals = computed(() => store.value?.terminals ?? []);
  const terminal = computed(() => terminals.value.find((t) => t.id === terminalId.value) ?? null);
  const warehouseId = computed(() => store.value?.warehouses[0]?.id ?? null);
  const isOpen = computed(() => cashSession.value?.status === 'open');

  function storageKey(): string {
    const session = useSessionStore();
    return TERMINAL_STORAGE_KEY(session.tenantSlug!, session.storeId!);
  }

  async function refreshSession(): Promise<void> {
    if (!terminalId.value) return;
    const current = await useRealtimeStore().command('cash:current', { terminalId: terminalId.value });
    if (current.ok) cashSession.value = current.data;
    else error.value = current.error;
  }

  /** The settings the server checks a sale with; a failed read keeps the last ones. */
  async function loadSettings(): Promise<void> {
    const settings = await useRealtimeStore().command('sale:settings', {});
    if (!settings.ok) return;
    uf.value = settings.data.uf;
    discountLimit.value = settings.data.discountLimitPercent;
  }

  /** Reads the store (terminals, warehouse), the sale settings and the terminal's cash session; runs on every resync. */
  async function load(): Promise<void> {
    const session = useSessionStore();
    const stores = await useRealtimeStore().command('store:list', {});
    if (!stores.ok) {
      error.value = stores.error;
      return;
    }
    store.value = stores.data.find((s) => s.id === session.storeId) ?? null;
    const remembered = localStorage.getItem(storageKey());
    terminalId.value = terminals.value.some((t) => t.id === remembered) ? remembered : null;
    await Promise.all([refreshSession(), loadSettings()]);
    error.value = null;
    loaded.value = true;
  }

  async function chooseTerminal(id: string): Promise<void> {
    terminalId.value = id;
    localStorage.setItem(storageKey(), id);
    await refreshSession();
  }

  /** This device is another terminal: ask again. */
  function forgetTerminal(): void {
    localStorage.removeItem(storageKey());
    terminalId.value = null;
    cashSession.value = null;
  }

  async function open(openingFloat: number): Promise<Result<CashSession>> {
    if (!terminalId.value) return fail('VALIDATION');
    const opened = await useRealtimeStore().command('cash:open', {
      terminalId: terminalId.value,
      openingFloat,
    });
    if (opened.ok) {
      cashSession.value = opened.data;
      closeReport.value = null;
    }
    return opened;
  }

  /** Sends the blind count; the report comes back from the server (expected figures for supervisors only). */
  async function close(denominations: DenominationCounts, countedCard: number): Promise<Result<CloseReport>> {
    const current = cashSession.value;
    if (!current) return fail('CASH_SESSION_REQUIRED');
    const counts = Object.fromEntries(Object.entries(denominations).filter(([, n]) => (n ?? 0) > 0));
    const report = await useRealtimeStore().command('cash:close', {
      sessionId: current.id,
      denominations: counts,
      countedCard,
    });
    if (report.ok) {
      closeReport.value = report.data;
      cashSession.value = report.data.session;
    }
    return report;
  }

  /** Cash put into (`in`) or taken out of (`out`) the open drawer, with the reason. */
  async function moveCash(kind: 'in' | 'out', amount: number, reason: string): Promise<Result<CashSession>> {
    const current = cashSession.value;
    if (!current) return fail('CASH_SESSION_REQUIRED');
    const moved = await useRealtimeStore().command('cash:move', {
      sessionId: current.id,
      kind,
      amount,
      reason,
    });
    if (moved.ok) cashSession.value = moved.data;
    return moved;
  }

  /** The live X report: the open session's running totals as the server has them now. */
  async function xReport(): Promise<Result<CashSession>> {
    const current = cashSession.value;
    if (!current) return fail('CASH_SESSION_REQUIRED');
    const report = await useRealtimeStore().command('cash:report', { sessionId: current.id });
    if (report.ok) cashSession.value = report.data;
    return report;
  }

  /** Leaves the close report: back to the open-till screen. */
  function dismissReport(): void {
    closeReport.value = null;
    if (cashSession.value?.status === 'closed') cashSession.value = null;
  }

  /** A supervisor approved (or the server changed) this terminal's session. */
  function onCashChanged({ changes }: NotificationPayload<'cash:changed'>): void {
    for (const change of changes) {
      if (change.sessionId !== cashSession.value?.id) continue;
      cashSession.value = { ...cashSession.value, status: change.status };
    }
  }

  let stopFns: (() => void)[] = [];
  function start(): void {
    if (stopFns.length) return;
    const realtime = useRealtimeStore();
    stopFns = [realtime.addEventListener('cash:changed', onCashChanged), realtime.onResync(load)];
  }
  function stop(): void {
    for (const off of stopFns) off();
    stopFns = [];
  }

  return {
    store,
    terminalId,
    cashSession,
    closeReport,
    loaded,
    error,
    uf,
    discountLimit,
    terminals,
    terminal,
    warehouseId,
    isOpen,
    load,
    chooseTerminal,
    forgetTerminal,
    open,
    close,
    moveCash,
    xReport,
    dismissReport,
    refreshSession,
    loadSettings,
    start,
    stop,
  };
});
