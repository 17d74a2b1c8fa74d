import { WRITE_OFF_REASON_LABELS, type WriteOffReason } from '@erp/shared/events/index';
import { formatClp } from '@erp/shared/money';
import { formatRut } from '@erp/shared/rut';
import { formatQuantity } from '../business/numbers.ts';
import { tx } from '../business/texts.ts';
import { tx as siiTexts } from '../sii/texts.ts';

type Details = Record<string, unknown>;

const text = (value: unknown) => (typeof value === 'string' ? value : '');
const pesos = (value: unknown) => (Number.isSafeInteger(value) ? formatClp(value as number) : '');
const say = tx.audit.summary;

/** One line per kind the POS writes; other kinds show their plain fields. */
const SUMMARIES: Record<string, (d: Details) => string> = {
  discount: (d) => say.discount(text(d.name), pesos(d.amount), text(d.label), text(d.approverName)),
  price_override: (d) => say.priceOverride(text(d.name), pesos(d.listPrice), pesos(d.price)),
  line_void: (d) =>
    say.lineVoid(
      text(d.name),
      typeof d.quantity === 'string' ? formatQuantity(d.quantity) : '',
      pesos(d.unitPrice),
    ),
  return: (d) =>
    say.return(
      d.creditNote,
      text(d.original),
      pesos(d.total),
      say.methods[text(d.refundMethod)] ?? text(d.refundMethod),
      text(d.reason),
    ),
  drawer_open: (d) => text(d.reason),
  drawer_sale: (d) =>
    say.drawerSale(typeof d.documentType === 'number' ? siiTexts.docType(d.documentType) : '', d.folio),
  reprint: (d) =>
    say.reprint(d.copy, typeof d.documentType === 'number' ? siiTexts.docType(d.documentType) : '', d.folio),
  approval_refused: (d) => say.approvalRefused(text(d.supervisor), text(d.action), Number(d.attemptsLeft)),
  customer_complete: (d) =>
    say.customerComplete(
      formatRut(text(d.rut)),
      (Array.isArray(d.filled) ? d.filled : []).map((f) => say.customerFields[text(f)] ?? text(f)).join(', '),
    ),
  ticket_discard: (d) =>
    say.ticketDiscard(
      text(d.label),
      Array.isArray(d.lines) ? d.lines.length : 0,
      pesos(d.total),
      text(d.parkedBy),
    ),
  write_off: (d) =>
    say.writeOff(
      text(d.name),
      typeof d.quantity === 'string' ? formatQuantity(d.quantity) : '',
      WRITE_OFF_REASON_LABELS[text(d.reason) as WriteOffReason] ?? text(d.reason),
      pesos(d.value),
      text(d.note),
    ),
  // A role, store or activity change reads as its fields; an approval PIN set or cleared, in words.
  user_change: (d) => (d.approvalPin ? say.pinChange(text(d.email), text(d.approvalPin)) : plainFields(d)),
};

/** Fields worth reading: not ids (the screen has names for those) and not nested objects. */
function plainFields(details: Details): string {
  return Object.entries(details)
    .filter(([key, value]) => key !== 'id' && !/Id$/.test(key) && value !== null && typeof value !== 'object')
    .map(([key, value]) => `${key}: ${value}`)
    .join(' · ');
}

/** A short Spanish line saying what an audit entry records. */
export function auditSummary(kind: string, details: Details): string {
  return (SUMMARIES[kind] ?? plainFields)(details);
}
