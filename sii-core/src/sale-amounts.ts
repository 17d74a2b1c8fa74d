/**
 * How a sale rung at the till becomes document amounts, shared by the server (which writes the
 * document) and the POS (which shows and charges its total), so both compute the same pesos.
 * Browser-safe: it imports nothing but the amounts arithmetic (`@erp/sii-core/sale-amounts`).
 *
 * Catalog prices include IVA. Boletas carry them as they are. Facturas and notas carry net
 * prices: the IVA-included unit price ÷ 1.19 to six decimals and the line discount ÷ 1.19 to
 * whole pesos (both half up), and IVA is then 19 % of the net sum; so a factura's total may
 * differ by a peso or two from the sum of the IVA-included line amounts.
 */
import { type DteType, divRoundHalfUp, fromScaled, IVA_RATE_PERCENT, isBoletaType } from '@erp/shared';
import { computeAmounts, type Totals } from './amounts.ts';

/** A line as the till rings it: IVA-included unit price and discount, in pesos. */
export interface TillLine {
  quantity: string;
  unitPrice: number;
  discount: number;
  exempt: boolean;
}

const NET_DECIMALS = 6;
const GROSS_PER_NET = BigInt(100 + IVA_RATE_PERCENT);

/** The unit price and discount a till line carries on a document of `type`. */
export function documentLinePrices(
  type: DteType,
  line: Pick<TillLine, 'unitPrice' | 'discount' | 'exempt'>,
): { unitPrice: string; discountAmount?: number } {
  const net = !isBoletaType(type) && !line.exempt;
  const unitPrice = net
    ? fromScaled(
        divRoundHalfUp(BigInt(line.unitPrice) * 100n * 10n ** BigInt(NET_DECIMALS), GROSS_PER_NET),
        NET_DECIMALS,
      )
    : String(line.unitPrice);
  if (line.discount <= 0) return { unitPrice };
  const discountAmount = net
    ? Number(divRoundHalfUp(BigInt(line.discount) * 100n, GROSS_PER_NET))
    : line.discount;
  return { unitPrice, discountAmount };
}

/** The totals the document of these till lines carries: what the customer pays. */
export function saleTotals(type: DteType, lines: readonly TillLine[]): Totals {
  return computeAmounts({
    type,
    lines: lines.map((line) => ({
      quantity: line.quantity,
      exempt: line.exempt || undefined,
      ...documentLinePrices(type, line),
    })),
    adjustments: [],
  }).totals;
}
