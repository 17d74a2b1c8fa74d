/**
 * Line amounts and totals of a tax document, in integer pesos. Quantities and prices (up to six
 * decimals) are multiplied as scaled bigints and rounded half up once, so the result is exact
 * whatever the input; input totals are never trusted.
 *
 * Facturas, notas and guías carry net prices: IVA = round(net × 19 %). Boletas carry
 * IVA-included prices: net = round(gross / 1.19) and IVA = gross − net, so the three always add
 * up [docs/sii-rules.md#amounts-and-rounding]; so do facturas and notas marked `grossAmounts`
 * (MntBruto = 1).
 */
import {
  type DteDocument,
  divRoundHalfUp,
  IVA_RATE_PERCENT,
  isBoletaType,
  isExemptType,
  ivaFromNet,
  percentOf,
  splitGross,
  toScaled,
} from '@erp/shared';
import { DteError } from './errors.ts';

/** Quantities and prices have six decimals at most: scale both by 10^6. */
const DECIMAL_SCALE = 6;
const PRODUCT_DENOMINATOR = 10n ** BigInt(2 * DECIMAL_SCALE);

export interface LineAmounts {
  exempt: boolean;
  /** round(quantity × unit price). */
  gross: number;
  /** DescuentoMonto (0 when none). */
  discount: number;
  /** MontoItem = gross − discount. */
  amount: number;
}

export interface AdjustmentAmounts {
  exempt: boolean;
  /** The peso value of the discount or surcharge (percentages already applied). */
  amount: number;
}

export interface Totals {
  /** MntNeto: present when the document has afecto lines. */
  net?: number;
  /** MntExe: present when the document has exempt lines. */
  exempt?: number;
  /** TasaIVA in percent, present with `net`. */
  ivaRate?: number;
  iva?: number;
  total: number;
}

export interface DocumentAmounts {
  lines: LineAmounts[];
  adjustments: AdjustmentAmounts[];
  totals: Totals;
}

export function isLineExempt(
  doc: Pick<DteDocument, 'type'>,
  line: { exempt?: boolean | undefined },
): boolean {
  return isExemptType(doc.type) || line.exempt === true;
}

/** What the amounts depend on: the type, each line's quantity, price and discount, the adjustments. */
export interface AmountsInput {
  type: DteDocument['type'];
  grossAmounts?: DteDocument['grossAmounts'];
  lines: readonly Pick<
    DteDocument['lines'][number],
    'quantity' | 'unitPrice' | 'exempt' | 'discountPercent' | 'discountAmount'
  >[];
  adjustments: DteDocument['adjustments'];
}

export function computeAmounts(doc: AmountsInput): DocumentAmounts {
  const lines = doc.lines.map((line, index) => {
    const product = toScaled(line.quantity, DECIMAL_SCALE) * toScaled(line.unitPrice, DECIMAL_SCALE);
    const gross = divRoundHalfUp(product, PRODUCT_DENOMINATOR);
    const discount =
      line.discountPercent !== undefined
        ? percentOf(gross, line.discountPercent)
        : BigInt(line.discountAmount ?? 0);
    if (discount > gross) {
      throw new DteError('VALIDATION', `Línea ${index + 1}: el descuento supera el monto de la línea`);
    }
    return { exempt: isLineExempt(doc, line), gross, discount, amount: gross - discount };
  });

  const groupSum = (exempt: boolean) =>
    lines.filter((l) => l.exempt === exempt).reduce((sum, l) => sum + l.amount, 0n);
  const base = { afecto: groupSum(false), exempt: groupSum(true) };
  const hasLines = { afecto: lines.some((l) => !l.exempt), exempt: lines.some((l) => l.exempt) };

  const adjustments = doc.adjustments.map((adjustment, index) => {
    const exempt = isExemptType(doc.type) || adjustment.exempt === true;
    if (!hasLines[exempt ? 'exempt' : 'afecto']) {
      throw new DteError(
        'VALIDATION',
        `Descuento o recargo global ${index + 1}: no hay líneas ${exempt ? 'exentas' : 'afectas'} a las que aplicarlo`,
      );
    }
    const amount =
      adjustment.percent !== undefined
        ? percentOf(base[exempt ? 'exempt' : 'afecto'], adjustment.percent)
        : BigInt(adjustment.amount!);
    return { exempt, amount, sign: adjustment.kind === 'discount' ? -1n : 1n };
  });

  const adjusted = (exempt: boolean) => {
    const group = exempt ? base.exempt : base.afecto;
    const total = adjustments
      .filter((a) => a.exempt === exempt)
      .reduce((sum, a) => sum + a.sign * a.amount, group);
    if (total < 0n) {
      throw new DteError(
        'VALIDATION',
        `Los descuentos globales superan el monto ${exempt ? 'exento' : 'afecto'} del documento`,
      );
    }
    return toPesos(total);
  };

  const totals: Totals = { total: 0 };
  const afecto = hasLines.afecto ? adjusted(false) : 0;
  const exempt = hasLines.exempt ? adjusted(true) : 0;
  if (hasLines.afecto) {
    const { net, iva } =
      isBoletaType(doc.type) || doc.grossAmounts
        ? splitGross(afecto)
        : { net: afecto, iva: ivaFromNet(afecto) };
    totals.net = net;
    totals.ivaRate = IVA_RATE_PERCENT;
    totals.iva = iva;
  }
  if (hasLines.exempt) totals.exempt = exempt;
  totals.total = toPesos(BigInt(totals.net ?? 0) + BigInt(totals.iva ?? 0) + BigInt(exempt));

  return {
    lines: lines.map((l) => ({
      exempt: l.exempt,
      gross: toPesos(l.gross),
      discount: toPesos(l.discount),
      amount: toPesos(l.amount),
    })),
    adjustments: adjustments.map((a) => ({ exempt: a.exempt, amount: toPesos(a.amount) })),
    totals,
  };
}

function toPesos(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DteError('VALIDATION', 'El monto del documento es demasiado grande');
  }
  return Number(value);
}
