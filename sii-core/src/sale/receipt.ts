import {
  type BoletaDocument,
  type CreditNoteDocument,
  discountLabel,
  type FacturaDocument,
  promotionLabel,
} from '@erp/shared';
import type { z } from 'zod';
import type { DocumentAmounts } from '../amounts.ts';
import { discountOf } from './discounts.ts';
import type { IssuerData, ReceiverData } from './document.ts';
import type { PricedLine } from './pricing.ts';

/**
 * What the hub prints for a boleta, factura or nota de crédito (the server's jobs, and the hub's
 * own for offline sales): structured data, the hub never computes money. A factura always carries its cedible copy: the counter is where the buyer can
 * sign the acuse de recibo, with the goods in hand (docs/sii-rules.md#printed-document).
 */
export function receiptDocument(input: {
  type: number;
  folio: number;
  issuedAt: Date;
  issuer: IssuerData;
  receiver: ReceiverData | null;
  lines: readonly PricedLine[];
  amounts: DocumentAmounts;
  /** Discounts on the whole document (the ticket's), as printed above the totals. */
  discounts?: { label: string; amount: number }[];
  ted: string;
  cashRounding: number;
  paidCash: number;
  paidCard: number;
  paidFiado?: number;
  change: number;
  reference?: z.input<typeof CreditNoteDocument>['reference'];
}): z.input<typeof BoletaDocument> | z.input<typeof FacturaDocument> | z.input<typeof CreditNoteDocument> {
  const { issuer, amounts } = input;
  const base = {
    folio: input.folio,
    issuedAt: input.issuedAt.toISOString(),
    issuer: {
      rut: issuer.rut,
      businessName: issuer.razonSocial,
      activity: issuer.giro.slice(0, 80),
      address: issuer.storeAddress,
      comuna: issuer.storeComuna,
      siiOffice: `S.I.I. - ${issuer.comuna.toUpperCase()}`.slice(0, 60),
    },
    ...(input.receiver
      ? {
          customer: {
            rut: input.receiver.rut,
            name: input.receiver.razonSocial,
            ...(input.receiver.giro ? { activity: input.receiver.giro.slice(0, 80) } : {}),
            ...(input.receiver.address ? { address: input.receiver.address } : {}),
            ...(input.receiver.comuna ? { comuna: input.receiver.comuna } : {}),
            ...(input.receiver.email ? { email: input.receiver.email } : {}),
            ...(input.receiver.phone ? { phone: input.receiver.phone } : {}),
          },
        }
      : {}),
    lines: input.lines.map((line, i) => ({
      description: line.name.slice(0, 80),
      quantity: line.quantity,
      unit: line.unit === 'kg' ? ('kg' as const) : ('un' as const),
      unitPrice: line.unitPrice,
      discount: line.discount,
      ...(line.given ? { discountLabel: discountLabel(discountOf(line.given)) } : {}),
      ...(line.promotions ? { discountLabel: `Promo ${promotionLabel(line.promotions)}`.slice(0, 60) } : {}),
      amount: amounts.lines[i]!.amount,
    })),
    discounts: input.discounts ?? [],
    totals: {
      ...(amounts.totals.net !== undefined ? { net: amounts.totals.net } : {}),
      ...(amounts.totals.exempt !== undefined ? { exempt: amounts.totals.exempt } : {}),
      ...(amounts.totals.iva !== undefined ? { iva: amounts.totals.iva } : {}),
      additionalTaxes: (amounts.totals.additionalTaxes ?? []).map((tax) => ({ ...tax })),
      total: amounts.totals.total,
      cashRounding: input.cashRounding,
    },
    timbre: {
      ted: input.ted,
      resolutionNumber: issuer.resolutionNumber,
      resolutionYear: Number(issuer.resolutionDate.slice(0, 4)),
    },
  };
  if (input.type === 61) {
    return { ...base, kind: 'credit_note', documentType: 61, reference: input.reference! };
  }
  const payments = [
    ...(input.paidCash > 0 ? [{ method: 'cash' as const, amount: input.paidCash + input.change }] : []),
    ...(input.paidCard > 0 ? [{ method: 'card' as const, amount: input.paidCard }] : []),
    ...(input.paidFiado ? [{ method: 'fiado' as const, amount: input.paidFiado }] : []),
  ];
  if (input.type === 33 || input.type === 34) {
    return {
      ...base,
      kind: 'factura',
      documentType: input.type,
      payments,
      change: input.change,
      cedible: true,
    };
  }
  return {
    ...base,
    kind: 'boleta',
    documentType: input.type as 39 | 41,
    payments,
    change: input.change,
  };
}
