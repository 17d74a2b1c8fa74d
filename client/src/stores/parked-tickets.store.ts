import { type ErrorPayload, fail, type Result } from '@erp/shared/errors';
import type { ParkedTicket, ParkedTicketSummary } from '@erp/shared/events/index';
import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { z } from 'zod';
import { t } from '../i18n/es-CL.ts';
import { useCartStore } from './cart.store.ts';
import { STORE_IDS } from './ids.ts';
import { type NotificationPayload, useRealtimeStore } from './realtime.store.ts';
import { useTillStore } from './till.store.ts';

export type ParkedSummary = z.output<typeof ParkedTicketSummary>;
export type ResumedTicket = z.output<typeof ParkedTicket>;

/** The server's answer did not come back: the command may or may not have run. */
const UNKNOWN_OUTCOME: readonly string[] = ['OFFLINE', 'TIMEOUT'];

const byParkedAt = (a: ParkedSummary, b: ParkedSummary) => a.parkedAt.localeCompare(b.parkedAt);

/**
 * The store's parked tickets (ticket en espera), kept by the server and followed live: any till
 * of the store parks the open ticket, and any of them resumes it into its cart or discards it.
 *
 * The list is read on every resync and then follows `ticket:parked-changed`. A ticket is parked
 * once and leaves once, so news applied in any order converge: an id that left is remembered
 * and a late "parked" of it ignored; a list read while news arrive keeps what it missed.
 */
export const useParkedTicketsStore = defineStore(STORE_IDS.PARKED_TICKETS, () => {
  const tickets = ref<ParkedSummary[]>([]);
  const busy = ref(false);
  /** Why the list could not be read (it shows what it had). */
  const error = ref<ErrorPayload | null>(null);
  /** A resume whose answer never came: asking again at this till gives the ticket back. */
  const unsure = ref<ParkedSummary | null>(null);

  const count = computed(() => tickets.value.length);

  const left = new Set<string>();
  /** Tickets parked while a list read is on its way; null when none is. */
  let heardWhileReading: ParkedSummary[] | null = null;
  let reads = 0;

  function put(ticket: ParkedSummary): void {
    if (left.has(ticket.id)) return;
    tickets.value = [...tickets.value.filter((x) => x.id !== ticket.id), ticket].sort(byParkedAt);
  }

  function drop(id: string): void {
    left.add(id);
    tickets.value = tickets.value.filter((x) => x.id !== id);
  }

  function onChanged(change: NotificationPayload<'ticket:parked-changed'>): void {
    if (change.status === 'parked') {
      heardWhileReading?.push(change.ticket);
      put(change.ticket);
    } else {
      drop(change.id);
    }
  }

  /** Reads the store's list; only the latest read counts. */
  async function load(): Promise<void> {
    const read = ++reads;
    heardWhileReading = [];
    const answer = await useRealtimeStore().command('ticket:parked-list', {});
    if (read !== reads) return;
    const heard = heardWhileReading;
    heardWhileReading = null;
    error.value = answer.ok ? null : answer.error;
    if (!answer.ok) return;
    tickets.value = [];
    for (const ticket of [...answer.data, ...heard]) put(ticket);
  }

  /** Parks the cart's open ticket under `label`; the cart then starts the next customer's. */
  async function park(label: string): Promise<Result<ParkedSummary>> {
    const cart = useCartStore();
    const terminalId = useTillStore().terminalId;
    if (!terminalId || cart.isEmpty) return fail('VALIDATION');
    const ticket = cart.toParked();
    busy.value = true;
    try {
      const answer = await useRealtimeStore().command('ticket:park', { ...ticket, terminalId, label });
      if (answer.ok) {
        put(answer.data);
        // An unknown outcome keeps the ticket on screen: parking it again replaces the parked one.
        cart.settle(ticket.id);
      }
      return answer;
    } finally {
      busy.value = false;
    }
  }

  /** Takes a ticket into this till's empty cart, re-priced against the catalog. */
  async function resume(ticket: ParkedSummary): Promise<Result<ResumedTicket>> {
    const cart = useCartStore();
    const terminalId = useTillStore().terminalId;
    if (!terminalId) return fail('VALIDATION');
    if (!cart.isEmpty) return fail('VALIDATION', t.pos.parked.cartBusy);
    busy.value = true;
    try {
      const answer = await useRealtimeStore().command('ticket:resume', { id: ticket.id, terminalId });
      if (answer.ok) {
        drop(ticket.id);
        unsure.value = null;
        cart.restore(answer.data);
      } else if (UNKNOWN_OUTCOME.includes(answer.error.code)) {
        unsure.value = ticket;
      } else {
        if (unsure.value?.id === ticket.id) unsure.value = null;
        if (answer.error.code === 'PARKED_TICKET_GONE') drop(ticket.id);
      }
      return answer;
    } finally {
      busy.value = false;
    }
  }

  async function discard(ticket: ParkedSummary): Promise<Result<{ id: string }>> {
    const terminalId = useTillStore().terminalId;
    if (!terminalId) return fail('VALIDATION');
    busy.value = true;
    try {
      const answer = await useRealtimeStore().command('ticket:discard', { id: ticket.id, terminalId });
      if (answer.ok || answer.error.code === 'PARKED_TICKET_GONE') drop(ticket.id);
      return answer;
    } finally {
      busy.value = false;
    }
  }

  let stopFns: (() => void)[] = [];
  function start(): void {
    if (stopFns.length) return;
    const realtime = useRealtimeStore();
    stopFns = [realtime.addEventListener('ticket:parked-changed', onChanged), realtime.onResync(load)];
  }
  function stop(): void {
    for (const off of stopFns) off();
    stopFns = [];
  }

  return { tickets, busy, error, unsure, count, load, park, resume, discard, start, stop };
});
