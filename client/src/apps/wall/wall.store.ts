import type { ErrorPayload } from '@erp/shared/errors';
import {
  type StoreNodeState,
  WALL_AUDIT_KINDS,
  type WallSnapshot,
  type WallStoreSales,
} from '@erp/shared/events/index';
import { defineStore } from 'pinia';
import { computed, ref, shallowRef, watch } from 'vue';
import type { z } from 'zod';
import { STORE_IDS } from '../../stores/ids.ts';
import { type NotificationPayload, useRealtimeStore } from '../../stores/realtime.store.ts';
import { auditKey, directory, latestTickets, sumFigures } from './wall-view.ts';

/**
 * The wall reads its whole snapshot again this often: for what no event announces (a product
 * back above its minimum, documents the SII accepted, midnight).
 */
export const WALL_REFRESH_MS = 60_000;
/** A reload an event asks for waits this long, so a burst of such events costs one snapshot. */
export const WALL_RELOAD_DELAY_MS = 2_000;
/**
 * SII status changes stream all day while the worker sends documents: the pending count is read
 * again at most this often (refusals show at once).
 */
export const WALL_SII_RELOAD_MS = 15_000;
const SII_PROBLEMS_KEPT = 5;
export const TICKETS_SHOWN = 20;
const AUDIT_KEPT = 30;
const LOW_STOCK_KEPT = 20;

const WATCHED_AUDIT: ReadonlySet<string> = new Set(WALL_AUDIT_KINDS);

/**
 * What the sales wall shows: the `wall:snapshot` (on every connection, and every minute), kept
 * current by the live notifications. Sales arrive as whole store blocks (`wall:update`,
 * coalesced on the server): the block with the latest `asOf` wins, so a late or repeated
 * message never makes a number wrong. Events the wall cannot apply
 * by itself (a drawer or cashier it does not know yet, a new day, how many documents are still
 * pending at the SII) ask for a snapshot instead.
 */
export const useWallStore = defineStore(STORE_IDS.WALL, () => {
  const snapshot = ref<WallSnapshot | null>(null);
  const error = ref<ErrorPayload | null>(null);
  /** Each store's node (docs/store-node.md): cut off since when, offline sales waiting. */
  const nodes = shallowRef(new Map<string, z.output<typeof StoreNodeState>>());

  const names = computed(() => directory(snapshot.value));
  const blocks = computed<WallStoreSales[]>(() => snapshot.value?.sales ?? []);
  const company = computed(() => sumFigures(blocks.value.map((b) => b.figures)));
  const tickets = computed(() => latestTickets(blocks.value, TICKETS_SHOWN));
  const drawers = computed(() =>
    blocks.value
      .flatMap((b) => b.drawers.map((d) => ({ ...d, storeId: b.storeId })))
      .sort((a, b) => b.expectedCash - a.expectedCash),
  );
  /** The cash-drop threshold as last read (the newest block has it). */
  const dropThreshold = computed(
    () => [...blocks.value].sort((a, b) => b.asOf.localeCompare(a.asOf))[0]?.cashDropThreshold ?? null,
  );
  const cashiers = computed(() =>
    blocks.value
      .flatMap((b) => b.cashiers.map((c) => ({ ...c, storeId: b.storeId })))
      .sort((a, b) => b.total - a.total),
  );

  let loading: Promise<void> | null = null;
  /** Reads the snapshot (one read at a time; a caller during a read shares it). */
  function load(): Promise<void> {
    loading ??= useRealtimeStore()
      .command('wall:snapshot', {})
      .then((answer) => {
        if (answer.ok) {
          snapshot.value = answer.data;
          error.value = null;
        } else {
          error.value = answer.error;
        }
      })
      .finally(() => {
        loading = null;
      });
    return loading;
  }

  let reloadTimer: ReturnType<typeof setTimeout> | null = null;
  let reloadDue = 0;
  /** Reads the snapshot after `delay`, or sooner if a reload is already due sooner. */
  function reloadSoon(delay = WALL_RELOAD_DELAY_MS): void {
    const due = Date.now() + delay;
    if (reloadTimer && reloadDue <= due) return;
    if (reloadTimer) clearTimeout(reloadTimer);
    reloadDue = due;
    reloadTimer = setTimeout(() => {
      reloadTimer = null;
      void load();
    }, delay);
  }

  function knows(block: WallStoreSales): boolean {
    const { people, terminals } = names.value;
    return (
      block.cashiers.every((c) => people.has(c.cashierId)) &&
      block.tickets.every((t) => people.has(t.cashierId) && terminals.has(t.terminalId)) &&
      block.drawers.every((d) => people.has(d.cashierId) && terminals.has(d.terminalId))
    );
  }

  function onUpdate(block: WallStoreSales): void {
    const current = snapshot.value;
    if (!current) return; // the snapshot being read includes it
    const index = current.sales.findIndex((b) => b.storeId === block.storeId);
    if (block.day !== current.day || index < 0) {
      reloadSoon();
      return;
    }
    if (block.asOf < current.sales[index]!.asOf) return;
    current.sales[index] = block;
    if (!knows(block)) reloadSoon();
  }

  function onCashChanged({ changes }: NotificationPayload<'cash:changed'>): void {
    for (const change of changes) {
      const block = snapshot.value?.sales.find((b) => b.storeId === change.storeId);
      if (!block) continue;
      if (change.status === 'closed') {
        block.drawers = block.drawers.filter((d) => d.sessionId !== change.sessionId);
        continue;
      }
      const drawer = block.drawers.find((d) => d.sessionId === change.sessionId);
      if (!drawer) {
        reloadSoon(); // a drawer just opened: its cashier and opening time come with the snapshot
        continue;
      }
      drawer.status = change.status;
      drawer.expectedCash = change.expectedCash;
      drawer.dropSuggested = change.dropSuggested;
    }
  }

  function onAudit({ changes }: NotificationPayload<'audit:logged'>): void {
    const current = snapshot.value;
    if (!current) return;
    const seen = new Set(current.audit.map(auditKey));
    const fresh = changes.filter((c) => WATCHED_AUDIT.has(c.kind) && !seen.has(auditKey(c)));
    if (fresh.length === 0) return;
    current.audit = [...fresh, ...current.audit]
      .sort((a, b) => b.createdAt.localeCompare(a.createdAt))
      .slice(0, AUDIT_KEPT);
    if (fresh.some((c) => !names.value.people.has(c.userId))) reloadSoon();
  }

  function onStockLow({ changes }: NotificationPayload<'stock:low'>): void {
    const low = snapshot.value?.lowStock;
    if (!low) return;
    const key = (i: { warehouseId: string; productId: string }) => `${i.warehouseId}/${i.productId}`;
    const known = new Set(low.items.map(key));
    const fresh = changes.filter((c) => !known.has(key(c)));
    low.count += fresh.length;
    low.items = [...fresh, ...low.items].slice(0, LOW_STOCK_KEPT);
  }

  /** The server's low-folio state of a type changed: a crossing (`folio:low`) or a lift. */
  function folioState(docType: number, remaining: number, low: boolean): void {
    const folios = snapshot.value?.folios;
    if (!folios) return;
    const folio = folios.find((f) => f.docType === docType);
    if (folio) Object.assign(folio, { remaining, low });
    else folios.push({ docType, remaining, low });
  }

  function onDteStatus({ changes }: NotificationPayload<'dte:status'>): void {
    const sii = snapshot.value?.sii;
    if (!sii) return;
    for (const change of changes) {
      const refused = change.state === 'rejected' || change.state === 'failed';
      if (!refused || sii.latest.some((d) => d.documentId === change.documentId)) continue;
      sii.rejected += 1;
      sii.latest = [
        {
          documentId: change.documentId,
          docType: change.docType,
          folio: change.folio,
          state: change.state,
          detail: change.detail,
          issuedAt: change.at,
        },
        ...sii.latest,
      ].slice(0, SII_PROBLEMS_KEPT);
    }
    reloadSoon(WALL_SII_RELOAD_MS);
  }

  function hubOf(storeId: string) {
    return snapshot.value?.hubs.find((h) => h.storeId === storeId);
  }

  function onHubStatus({ storeId, online }: NotificationPayload<'hub:status'>): void {
    const hub = hubOf(storeId);
    if (!hub) return;
    hub.online = online;
    if (online) hub.configured = Math.max(hub.configured, 1);
    else hub.printers = [];
  }

  function onPrinterStatus({ storeId, ...status }: NotificationPayload<'printer:status'>): void {
    const hub = hubOf(storeId);
    if (!hub) return;
    hub.online = true;
    hub.printers = [...hub.printers.filter((p) => p.printerId !== status.printerId), status];
  }

  function loadNodes(): void {
    void useRealtimeStore()
      .command('store-node:states', {})
      .then((answer) => {
        if (answer.ok) nodes.value = new Map(answer.data.stores.map((s) => [s.storeId, s]));
      });
  }

  function onNodeState(state: NotificationPayload<'store-node:state'>): void {
    nodes.value = new Map(nodes.value).set(state.storeId, state);
  }

  let stops: (() => void)[] = [];
  /** Loads the snapshot on every (re)connection that needs it and follows the live events. */
  function start(): void {
    if (stops.length > 0) return;
    const realtime = useRealtimeStore();
    const every = setInterval(() => void load(), WALL_REFRESH_MS);
    loadNodes();
    stops = [
      realtime.onResync(load),
      realtime.onResync(loadNodes),
      realtime.addEventListener('store-node:state', onNodeState),
      // A recovered connection replays what it missed, except what the server broadcast while
      // its middleware re-checked the token (Socket.IO restores the session first and joins the
      // rooms after the middleware): the wall reads its snapshot after every reconnection.
      watch(
        () => realtime.isConnected,
        (connected, was) => {
          if (connected && !was && realtime.recovered) void load();
        },
      ),
      realtime.addEventListener('wall:update', onUpdate),
      realtime.addEventListener('cash:changed', onCashChanged),
      realtime.addEventListener('audit:logged', onAudit),
      realtime.addEventListener('stock:low', onStockLow),
      realtime.addEventListener('folio:low', ({ docType, remaining }) =>
        folioState(docType, remaining, true),
      ),
      realtime.addEventListener('folio:restored', ({ docType, remaining }) =>
        folioState(docType, remaining, false),
      ),
      realtime.addEventListener('hub:status', onHubStatus),
      realtime.addEventListener('printer:status', onPrinterStatus),
      realtime.addEventListener('dte:status', onDteStatus),
      () => clearInterval(every),
    ];
  }

  function stop(): void {
    for (const off of stops) off();
    stops = [];
    if (reloadTimer) clearTimeout(reloadTimer);
    reloadTimer = null;
  }

  return {
    snapshot,
    error,
    nodes,
    names,
    blocks,
    company,
    tickets,
    drawers,
    dropThreshold,
    cashiers,
    load,
    start,
    stop,
  };
});
