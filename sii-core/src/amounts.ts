/**
 * Line amounts and totals of a tax document, in integer pesos. Quantities and prices (up to six
 * decimals) are multiplied as scaled bigints and rounded half up once, so the result is exact
 * whatever the input; input totals are never trusted.
 *
 * Facturas, notas and guías carry net prices: IVA = round(net × 19 %). Boletas carry
 * IVA-included prices: net = round(gross / 1.19) and IVA = gross − net, so the three always add
 * up [docs/sii-rules.md#amounts-and-rounding]; so do facturas and notas marked `grossAmounts`
 * (MntBruto = 1).
 *
 * A net document's afecto lines may carry an additional tax (CodImpAdic: ILA, sugary drinks):
 * each code's tax is its rate on the net sum of its lines, after the afecto global discounts and
 * surcharges share (in proportion), and goes in ImptoReten; MntTotal adds them.
 */
import {
  type AdditionalTaxCode,
  additionalTaxOn,
  additionalTaxRate,
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
  /** ImptoReten: one per additional tax code on the document's lines, in code order. */
  additionalTaxes?: AdditionalTax[];
  total: number;
}

export interface AdditionalTax {
  code: AdditionalTaxCode;
  /** TasaImp in percent, as written: `20.5`. */
  rate: string;
  amount: number;
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
    'quantity' | 'unitPrice' | 'exempt' | 'discountPercent' | 'discountAmount' | 'additionalTax'
  >[];
  adjustments: DteDocument['adjustments'];
}

export function computeAmounts(doc: AmountsInput): DocumentAmounts {
  // Boletas and MntBruto documents carry additional taxes inside their gross prices.
  const netPrices = !isBoletaType(doc.type) && !doc.grossAmounts;
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
    const exempt = isLineExempt(doc, line);
    const additionalTax = exempt || !netPrices ? undefined : line.additionalTax;
    return { exempt, gross, discount, amount: gross - discount, additionalTax };
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
    const additional = additionalTaxes(lines, adjustments);
    if (additional.length > 0) totals.additionalTaxes = additional;
  }
  if (hasLines.exempt) totals.exempt = exempt;
  const additionalSum = (totals.additionalTaxes ?? []).reduce((sum, tax) => sum + BigInt(tax.amount), 0n);
  totals.total = toPesos(BigInt(totals.net ?? 0) + BigInt(totals.iva ?? 0) + BigInt(exempt) + additionalSum);

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

/**
 * ImptoReten of the afecto lines: per code, the rate on its lines' net sum after each afecto
 * global discount or surcharge is spread over the afecto lines by `proportionalShares`, the way
 * a nota de crédito credits each line, so a whole return's note carries the same taxes.
 */
function additionalTaxes(
  lines: readonly { exempt: boolean; amount: bigint; additionalTax: AdditionalTaxCode | undefined }[],
  adjustments: readonly { exempt: boolean; amount: bigint; sign: bigint }[],
): AdditionalTax[] {
  const afecto = lines.filter((line) => !line.exempt);
  const net = afecto.map((line) => line.amount);
  for (const adjustment of adjustments.filter((a) => !a.exempt)) {
    const shares = proportionalShares(
      Number(adjustment.amount),
      afecto.map((line) => Number(line.amount)),
    );
    shares.forEach((share, i) => {
      net[i]! += adjustment.sign * BigInt(share);
    });
  }
  const sums = new Map<AdditionalTaxCode, bigint>();
  afecto.forEach((line, i) => {
    if (line.additionalTax !== undefined)
      sums.set(line.additionalTax, (sums.get(line.additionalTax) ?? 0n) + net[i]!);
  });
  return [...sums]
    .sort(([a], [b]) => a - b)
    .map(([code, sum]) => ({
      code,
      rate: additionalTaxRate(code),
      amount: toPesos(additionalTaxOn(sum, code)),
    }));
}

/**
 * `total` split over `amounts` in proportion to them, by cumulative rounding: the i-th share is
 * round(total × amounts up to i / all) minus the same up to i − 1, so the shares are whole pesos
 * that add up to `total` exactly, and none is above its amount while `total` is at most their sum.
 */
export function proportionalShares(total: number, amounts: readonly number[]): number[] {
  const all = BigInt(amounts.reduce((sum, a) => sum + a, 0));
  if (all === 0n) return amounts.map(() => 0);
  let before = 0n;
  let cumulative = 0n;
  return amounts.map((amount) => {
    cumulative += BigInt(amount);
    const upTo = divRoundHalfUp(BigInt(total) * cumulative, all);
    const share = upTo - before;
    before = upTo;
    return Number(share);
  });
}

function toPesos(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new DteError('VALIDATION', 'El monto del documento es demasiado grande');
  }
  return Number(value);
}
