import { z } from 'zod';
import { command } from './define.ts';
import { EnteredPesos, Pesos, Quantity, Timestamp, Uuid } from './primitives.ts';
import { CustomerView } from './sales.events.ts';

/**
 * Parked tickets (ticket en espera): the customer went back for bread, the cashier parks the
 * open ticket and rings the next one; any till of the store resumes it later. They are kept by
 * the server, so a reload, another till or a restart finds them.
 */

/** Tickets waiting in one store at once: past it, one is resumed or discarded first. */
export const MAX_PARKED_TICKETS_PER_STORE = 30;
/** Lines of one parked ticket: a counter's ticket, far from a warehouse order. */
export const MAX_PARKED_LINES = 200;
/** Characters of JSON a parked line may take with the fields the POS keeps on it. */
export const MAX_PARKED_LINE_CHARS = 2000;
/** Characters of JSON of the ticket's other fields (a ticket discount, a flag). */
export const MAX_PARKED_EXTRA_CHARS = 4000;
export const MAX_PARKED_LABEL = 40;

const jsonChars = (value: unknown) => JSON.stringify(value).length;

/**
 * A ticket line as the POS keeps it. The server reads the product, the quantity and the price
 * the cashier saw; every other field (code, a line discount, …) is carried as the POS wrote it
 * and given back on resume, so the till's line may grow fields without the server knowing them.
 */
export const ParkedLine = z
  .looseObject({
    productId: Uuid,
    quantity: Quantity,
    /** IVA-included unit price shown when the ticket was parked; checked again on resume. */
    unitPrice: EnteredPesos,
    name: z.string().max(200),
  })
  .refine((line) => jsonChars(line) <= MAX_PARKED_LINE_CHARS, {
    message: `Una línea en espera ocupa como máximo ${MAX_PARKED_LINE_CHARS} caracteres.`,
  });

/** The ticket's own fields besides its lines, document type and customer, carried as written. */
const TicketExtra = z
  .record(z.string(), z.unknown())
  .refine((extra) => jsonChars(extra) <= MAX_PARKED_EXTRA_CHARS, {
    message: `Los datos del ticket ocupan como máximo ${MAX_PARKED_EXTRA_CHARS} caracteres.`,
  });

export const ParkTicketInput = z
  .object({
    /**
     * The ticket's id, chosen by the POS (its sale id): parking it again while it waits (an
     * answer lost) replaces it; once resumed or discarded the id is spent.
     */
    id: Uuid,
    /** The till that parks it (of the cashier's store). */
    terminalId: Uuid,
    label: z.string().trim().min(1).max(MAX_PARKED_LABEL),
    docType: z.union([z.literal(39), z.literal(33)]),
    customerId: Uuid.optional(),
    lines: z.array(ParkedLine).min(1).max(MAX_PARKED_LINES),
    /** Lines rung up and voided before parking: the sale audits them when it is paid. */
    voidedLines: z.array(ParkedLine).max(MAX_PARKED_LINES).default([]),
    extra: TicketExtra.default({}),
    /** What the till showed (with its discounts), for the list; the sale is priced again when paid. */
    itemCount: z.number().int().min(0).max(1_000_000),
    total: Pesos,
  })
  .strict();

/** A parked ticket as the list shows it. */
export const ParkedTicketSummary = z.object({
  id: Uuid,
  storeId: Uuid,
  label: z.string(),
  docType: z.number().int(),
  itemCount: z.number().int(),
  total: Pesos,
  customerName: z.string().nullable(),
  parkedAt: Timestamp,
  parkedBy: z.object({ id: Uuid, name: z.string() }),
  terminal: z.object({ id: Uuid, name: z.string() }),
});

/** A resumed ticket: everything the till needs to put it back on screen. */
export const ParkedTicket = ParkedTicketSummary.extend({
  lines: z.array(ParkedLine),
  voidedLines: z.array(ParkedLine),
  customer: CustomerView.nullable(),
  extra: z.record(z.string(), z.unknown()),
});

/** Resume or discard a parked ticket, from a till of its store. */
export const ParkedTicketAction = z.object({ id: Uuid, terminalId: Uuid }).strict();

/**
 * A store's list changed. A ticket is parked once and leaves once (ids are never reused), so a
 * till applies these in any order and the list converges.
 */
export const ParkedTicketChanged = z.union([
  z.object({ status: z.literal('parked'), ticket: ParkedTicketSummary }),
  z.object({ status: z.enum(['resumed', 'discarded']), id: Uuid, storeId: Uuid }),
]);

export const parkedTicketCommands = {
  /** Parks the open ticket (or replaces it while it still waits). */
  'ticket:park': command(ParkTicketInput, ParkedTicketSummary),
  /** The tickets waiting in the caller's store, oldest first. */
  'ticket:parked-list': command(z.object({}).strict(), z.array(ParkedTicketSummary)),
  /** Takes a ticket off the list for this till; of two tills at once, one gets it. */
  'ticket:resume': command(ParkedTicketAction, ParkedTicket),
  /** Drops a waiting ticket (audited with its lines). */
  'ticket:discard': command(ParkedTicketAction, z.object({ id: Uuid })),
};

export const parkedTicketNotifications = {
  /** To the store's tills: a ticket was parked, resumed or discarded. */
  'ticket:parked-changed': ParkedTicketChanged,
};
