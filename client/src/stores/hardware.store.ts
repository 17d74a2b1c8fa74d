import { type ErrorPayload, fail, type Result } from '@erp/shared/errors';
import type { PrinterState, PrinterStatus, PrintJobView, SpoolJobState } from '@erp/shared/events/index';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import { STORE_IDS } from './ids.ts';
import { type NotificationPayload, useRealtimeStore } from './realtime.store.ts';

export type PrintStateEvent = NotificationPayload<'print:state'>;
export type PrinterStatusEvent = NotificationPayload<'printer:status'>;
export type HubStatusEvent = NotificationPayload<'hub:status'>;

/** Printer states in which the hub holds every job until they clear (nothing is sent meanwhile). */
export const BLOCKING_PRINTER_STATES: readonly PrinterState[] = [
  'paper_out',
  'cover_open',
  'offline',
  'error',
  'disconnected',
];
/** Job states that wait for a cashier's decision: a copy, or "it printed". */
export const DECISION_STATES: readonly SpoolJobState[] = ['uncertain', 'expired'];

/** Settled jobs leave the list: printed, or decided by a cashier. */
const isOpen = (job: PrintJobView) => job.state !== 'done' && job.resolvedAt === null;
const byCreation = (a: PrintJobView, b: PrintJobView) => a.createdAt.localeCompare(b.createdAt);

/**
 * The store's hardware as one terminal's POS sees it: whether the hub is connected, its
 * printers' status (`printer:status`), this terminal's print jobs (`print:overview`, then
 * `print:state`), the cashier's decisions on uncertain or expired jobs, and the cash drawer.
 * A reprint is always a copy ("COPIA") asked for by the cashier; nothing reprints by itself.
 */
export const useHardwareStore = defineStore(STORE_IDS.HARDWARE, () => {
  const terminalId = ref<string | null>(null);
  /** null until the server said. */
  const hubOnline = ref<boolean | null>(null);
  const printers = ref<PrinterStatus[]>([]);
  /** The terminal's jobs still on their way or waiting for a decision, oldest first. */
  const jobs = ref<PrintJobView[]>([]);
  /** The terminal's latest printed job, shown as confirmation. */
  const lastPrinted = ref<PrintJobView | null>(null);
  /** Jobs a copy or a dismissal is being asked for. */
  const working = ref<string[]>([]);
  const error = ref<ErrorPayload | null>(null);
  /** The drawer did not open for the last cash sale: the cashier may open it without a sale. */
  const drawerFailure = ref<{ error: ErrorPayload } | null>(null);

  /** The printer the POS shows: one that cannot print, else the hub's default (first) one. */
  const printer = computed(
    () => printers.value.find((p) => BLOCKING_PRINTER_STATES.includes(p.state)) ?? printers.value[0] ?? null,
  );
  const printerBlocked = computed(
    () => printer.value !== null && BLOCKING_PRINTER_STATES.includes(printer.value.state),
  );
  const needsDecision = computed(() => jobs.value.filter((job) => DECISION_STATES.includes(job.state)));

  function upsert(job: PrintJobView): void {
    const others = jobs.value.filter((j) => j.jobId !== job.jobId);
    jobs.value = isOpen(job) ? [...others, job].sort(byCreation) : others;
    if (job.state === 'done' && (!lastPrinted.value || lastPrinted.value.createdAt <= job.createdAt)) {
      lastPrinted.value = job;
    }
  }

  function onJob({ storeId: _store, duplicate: _duplicate, at: _at, ...job }: PrintStateEvent): void {
    if (job.terminalId === terminalId.value) upsert(job);
  }

  function onPrinter({ storeId: _store, ...status }: PrinterStatusEvent): void {
    hubOnline.value = true;
    printers.value = [...printers.value.filter((p) => p.printerId !== status.printerId), status].sort(
      (a, b) => a.printerId.localeCompare(b.printerId),
    );
  }

  function onHub({ online }: HubStatusEvent): void {
    hubOnline.value = online;
    // A hub that left says nothing more about its printers; one that came back reports again.
    if (!online) printers.value = [];
    else void refresh();
  }

  /** Reads the hub, printers and this terminal's jobs; runs on start and after every resync. */
  async function refresh(): Promise<void> {
    const id = terminalId.value;
    if (!id) return;
    const answer = await useRealtimeStore().command('print:overview', { terminalId: id });
    if (id !== terminalId.value) return;
    if (!answer.ok) {
      error.value = answer.error;
      return;
    }
    hubOnline.value = answer.data.hubOnline;
    printers.value = answer.data.printers;
    jobs.value = answer.data.jobs.filter(isOpen).sort(byCreation);
    error.value = null;
  }

  async function decide(job: PrintJobView, ask: () => Promise<Result<unknown>>): Promise<void> {
    if (working.value.includes(job.jobId)) return;
    working.value = [...working.value, job.jobId];
    try {
      const answer = await ask();
      // The server announces the copy and the settled job; reading them again covers a lost event.
      await refresh();
      if (!answer.ok) error.value = answer.error;
    } finally {
      working.value = working.value.filter((id) => id !== job.jobId);
    }
  }

  /** Prints a copy ("COPIA", same folio and timbre) of the job's document; audited by the server. */
  function reprint(job: PrintJobView): Promise<void> {
    return decide(job, () =>
      useRealtimeStore().command('print:reprint', {
        saleId: job.saleId,
        ...(terminalId.value ? { terminalId: terminalId.value } : {}),
      }),
    );
  }

  /** The cashier checked the paper: no copy needed. */
  function dismiss(job: PrintJobView): Promise<void> {
    return decide(job, () => useRealtimeStore().command('print:dismiss', { jobId: job.jobId }));
  }

  /** Opens the drawer outside a sale; the server audits it and shows it to the supervisor. */
  async function openDrawer(reason: 'no_sale' | 'cash_count'): Promise<Result<unknown>> {
    if (!terminalId.value) return fail('VALIDATION');
    return useRealtimeStore().command('drawer:open', { terminalId: terminalId.value, reason });
  }

  /**
   * Opens the drawer for the cash sale just charged (only right after it: a drawer never opens
   * late). The server allows it once per sale, even when that one kick failed; a failure stays
   * on screen with `openDrawerAfterFailure` as the way to open it.
   */
  async function openDrawerForSale(saleId: string): Promise<void> {
    // Without a hub there is nothing to open it with; the printer badge already says so.
    if (!terminalId.value || hubOnline.value === false) return;
    const answer = await useRealtimeStore().command('drawer:open', {
      terminalId: terminalId.value,
      reason: 'sale',
      saleId,
    });
    drawerFailure.value = answer.ok ? null : { error: answer.error };
  }

  /**
   * The sale's opening failed and is used up: the drawer now opens without a sale, audited and
   * shown to the supervisor like any other.
   */
  async function openDrawerAfterFailure(): Promise<void> {
    const answer = await openDrawer('no_sale');
    drawerFailure.value = answer.ok ? null : { error: answer.error };
  }

  let offs: (() => void)[] = [];
  /** Follows the given terminal's printing; call again when the terminal changes. */
  function start(id: string): void {
    const changed = terminalId.value !== id;
    terminalId.value = id;
    if (changed) {
      jobs.value = [];
      lastPrinted.value = null;
    }
    if (offs.length > 0) {
      if (changed) void refresh();
      return;
    }
    const realtime = useRealtimeStore();
    offs = [
      realtime.addEventListener('print:state', onJob),
      realtime.addEventListener('printer:status', onPrinter),
      realtime.addEventListener('hub:status', onHub),
      realtime.onResync(refresh),
    ];
  }
  function stop(): void {
    for (const off of offs) off();
    offs = [];
  }

  return {
    terminalId,
    hubOnline,
    printers,
    printer,
    printerBlocked,
    jobs,
    needsDecision,
    lastPrinted,
    working,
    error,
    drawerFailure,
    refresh,
    reprint,
    dismiss,
    openDrawer,
    openDrawerForSale,
    openDrawerAfterFailure,
    start,
    stop,
  };
});
