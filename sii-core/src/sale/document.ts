import { ANONYMOUS_CONSUMER_RUT, type DteDocument, type DteDocumentInput } from '@erp/shared';
import { validateDocument } from '../builder.ts';
import { type CreditNoteAmounts, documentLinePrices } from '../sale-amounts.ts';
import type { PricedLine } from './pricing.ts';
import { promotionDescription } from './promotions.ts';
export interface IssuerData {
  rut: string;
  razonSocial: string;
  giro: string;
  address: string;
  comuna: string;
  acteco: number;
  resolutionNumber: number;
  resolutionDate: string;
  siiBranchCode: number | null;
  storeAddress: string;
  storeComuna: string;
}

export interface ReceiverData {
  rut: string;
  razonSocial: string;
  giro: string | null;
  address: string | null;
  comuna: string | null;
  email: string | null;
  phone: string | null;
}

const UNIT_CODES: Record<string, string> = { unidad: 'UN', kg: 'KG', lt: 'LT' };

/** Boletas stay boletas, facturas stay facturas; a cart of only exempt goods becomes 41 or 34. */
export function finalDocType(
  requested: 39 | 33 | 61,
  lines: readonly { exempt: boolean }[],
): 33 | 34 | 39 | 41 | 61 {
  if (requested === 61 || !lines.every((l) => l.exempt)) return requested;
  return requested === 39 ? 41 : 34;
}

/**
 * The SII document of a sale. Catalog prices include IVA: boletas carry them as they are; on
 * facturas the afecto lines carry net prices (`documentLinePrices`, the same code the POS totals
 * with) and the module computes net, IVA and total from them. A line's discount goes as its
 * DescuentoPct or DescuentoMonto (its promotions' pesos too, each named in DscItem), the ticket's as global discounts (DscRcgGlobal). A nota de crédito carries the
 * prices `creditNoteAmounts` worked out from the original (`credit`), line for line.
 */
export function saleDocument(input: {
  type: 33 | 34 | 39 | 41 | 61;
  issueDate: string;
  issuer: IssuerData;
  receiver: ReceiverData | null;
  lines: readonly PricedLine[];
  paidCash: number;
  references?: DteDocumentInput['references'];
  /** The ticket discount as global discounts (`saleSummary`). */
  adjustments?: DteDocumentInput['adjustments'];
  credit?: Pick<CreditNoteAmounts, 'grossAmounts' | 'lines' | 'adjustments'>;
}): DteDocument {
  const boleta = input.type === 39 || input.type === 41;
  const { issuer, receiver } = input;
  return validateDocument({
    type: input.type,
    issueDate: input.issueDate,
    ...(boleta ? { paymentMethod: input.paidCash > 0 ? 1 : 2 } : { paymentForm: 1 }),
    ...(input.credit?.grossAmounts ? { grossAmounts: true } : {}),
    issuer: {
      rut: issuer.rut,
      businessName: issuer.razonSocial,
      activity: issuer.giro,
      address: issuer.storeAddress,
      commune: issuer.storeComuna,
      acteco: [issuer.acteco],
      ...(issuer.siiBranchCode ? { siiBranchCode: issuer.siiBranchCode } : {}),
      resolution: { number: issuer.resolutionNumber, date: issuer.resolutionDate },
    },
    receiver: receiver
      ? {
          rut: receiver.rut,
          businessName: receiver.razonSocial,
          ...(receiver.giro ? { activity: receiver.giro } : {}),
          ...(receiver.address ? { address: receiver.address } : {}),
          ...(receiver.comuna ? { commune: receiver.comuna } : {}),
          ...(receiver.email ? { email: receiver.email } : {}),
          ...(receiver.phone ? { phone: receiver.phone } : {}),
        }
      : { rut: ANONYMOUS_CONSUMER_RUT },
    lines: input.lines.map((line, i) => ({
      name: line.name,
      ...(promotionDescription(line) ? { description: promotionDescription(line) } : {}),
      code: { type: 'INT1', value: line.code },
      unit: UNIT_CODES[line.unit] ?? 'UN',
      ...(input.credit?.lines[i] ?? {
        quantity: line.quantity,
        ...documentLinePrices(input.type, line),
        ...(line.exempt ? { exempt: true } : {}),
      }),
    })),
    adjustments: input.credit?.adjustments ?? input.adjustments ?? [],
    references: input.references ?? [],
  });
}
