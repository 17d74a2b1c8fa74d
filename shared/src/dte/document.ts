/**
 * The tax document (DTE) model: what a caller says it wants to issue. It carries no amounts;
 * line amounts and totals are always computed by the SII documents module from quantities
 * and prices, never trusted from input.
 */
import { z } from 'zod';
import { ANONYMOUS_CONSUMER_RUT, normalizeRut } from '../rut.ts';
import { ADDITIONAL_TAX_CODES } from '../tax.ts';
import { canonicalDecimal, fractionDigits, integerDigits } from './decimal.ts';
import { toLatin1Text } from './latin1.ts';

export const DTE_TYPES = [33, 34, 39, 41, 52, 56, 61] as const;
export type DteType = (typeof DTE_TYPES)[number];

/** Document names as printed (MAN-IMPRESAS: the type in words). */
export const DTE_TYPE_NAMES: Readonly<Record<DteType, string>> = {
  33: 'FACTURA ELECTRÓNICA',
  34: 'FACTURA NO AFECTA O EXENTA ELECTRÓNICA',
  39: 'BOLETA ELECTRÓNICA',
  41: 'BOLETA NO AFECTA O EXENTA ELECTRÓNICA',
  52: 'GUÍA DE DESPACHO ELECTRÓNICA',
  56: 'NOTA DE DÉBITO ELECTRÓNICA',
  61: 'NOTA DE CRÉDITO ELECTRÓNICA',
};

export function isBoletaType(type: number): type is 39 | 41 {
  return type === 39 || type === 41;
}

/** 34 and 41 are wholly exempt: every line is exempt and there is no IVA. */
export function isExemptType(type: number): type is 34 | 41 {
  return type === 34 || type === 41;
}

/** Detail lines allowed per document [FMT-DTE §2.1; FMT-BOL B]. */
export function maxLines(type: DteType): number {
  return isBoletaType(type) ? 1000 : 60;
}

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

const isoDate = z.string().refine((value) => {
  const match = DATE_PATTERN.exec(value);
  if (!match) return false;
  const date = new Date(`${value}T00:00:00Z`);
  return (
    !Number.isNaN(date.getTime()) &&
    date.toISOString().startsWith(value) &&
    value >= '2000-01-01' &&
    value <= '2050-12-31'
  );
}, 'Fecha inválida: use AAAA-MM-DD entre 2000-01-01 y 2050-12-31');

const rut = z.string().transform((value, ctx) => {
  const canonical = normalizeRut(value);
  if (!canonical) {
    ctx.addIssue({ code: 'custom', message: `RUT inválido: ${value}` });
    return z.NEVER;
  }
  return canonical;
});

/** Free text in ISO-8859-1 (see latin1.ts); length limits of each XML element are applied when building. */
const text = z.string().transform((value, ctx) => {
  const result = toLatin1Text(value);
  if (!result.ok) {
    ctx.addIssue({
      code: 'custom',
      message: `Contiene caracteres no admitidos por el SII (ISO-8859-1): ${result.invalid.join(' ')}`,
    });
    return z.NEVER;
  }
  return result.text;
});
const requiredText = text.refine((value) => value.length > 0, 'No puede estar vacío');

/** A non-negative decimal given as a string (preferred) or a JSON number, kept as canonical text. */
function decimal(options: {
  maxIntegerDigits: number;
  maxFractionDigits: number;
  positive?: boolean;
  max?: number;
}) {
  return z.union([z.string(), z.number()]).transform((value, ctx) => {
    const canonical = canonicalDecimal(value);
    const problem =
      canonical === null
        ? 'Número inválido (use un texto como "1.5"; sin exponentes ni más de 15 dígitos si es número JSON)'
        : integerDigits(canonical) > options.maxIntegerDigits
          ? `Admite a lo más ${options.maxIntegerDigits} dígitos enteros`
          : fractionDigits(canonical) > options.maxFractionDigits
            ? `Admite a lo más ${options.maxFractionDigits} decimales`
            : options.positive && /^[0.]+$/.test(canonical)
              ? 'Debe ser mayor que cero'
              : options.max !== undefined && Number(canonical) > options.max
                ? `No puede superar ${options.max}`
                : null;
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return z.NEVER;
    }
    return canonical!;
  });
}

/** Quantities and prices: up to 12 integer digits and 6 decimals (weighed goods) [FMT-DTE B.15]. */
const quantity = decimal({ maxIntegerDigits: 12, maxFractionDigits: 6, positive: true });
const unitPrice = decimal({ maxIntegerDigits: 12, maxFractionDigits: 6 });
const percent = decimal({ maxIntegerDigits: 3, maxFractionDigits: 2, positive: true, max: 100 });
const pesos = z.number().int('Debe ser un monto entero en pesos').nonnegative().max(Number.MAX_SAFE_INTEGER);

export const issuerSchema = z.object({
  rut,
  businessName: requiredText,
  /** Giro: the economic activity in words, not abbreviated. */
  activity: requiredText,
  address: requiredText,
  commune: requiredText,
  city: text.optional(),
  phone: text.optional(),
  email: text.optional(),
  /** Acteco codes of the company (1 to 4). */
  acteco: z.array(z.number().int().positive().max(999999)).min(1).max(4),
  /** CdgSIISucur: the SII code of the branch (store) that issues. */
  siiBranchCode: z.number().int().positive().max(999999999).optional(),
  /** Resolution that authorised the company (number 0 in certification). */
  resolution: z.object({ number: z.number().int().nonnegative().max(999999), date: isoDate }),
});

export const receiverSchema = z.object({
  rut,
  businessName: text.optional(),
  activity: text.optional(),
  address: text.optional(),
  commune: text.optional(),
  city: text.optional(),
  email: text.optional(),
  phone: text.optional(),
  contact: text.optional(),
});

export const lineSchema = z
  .object({
    name: requiredText,
    description: text.optional(),
    /** Product code printed and sent as CdgItem (e.g. the barcode). */
    code: z.object({ type: requiredText, value: requiredText }).optional(),
    quantity: quantity.default('1'),
    /** UnmdItem, e.g. `KG`, `UN` (4 characters at most). */
    unit: text.optional(),
    /** Net price on facturas/notas/guías; IVA-included price on boletas. */
    unitPrice,
    exempt: z.boolean().optional(),
    discountPercent: percent.optional(),
    discountAmount: pesos.optional(),
    /** CodImpAdic: the line's additional tax (ILA), on the net documents' afecto lines only. */
    additionalTax: z.literal(ADDITIONAL_TAX_CODES).optional(),
  })
  .refine((line) => line.discountPercent === undefined || line.discountAmount === undefined, {
    message: 'Indique el descuento como porcentaje o como monto, no ambos',
  });

/** DscRcgGlobal: a discount or surcharge on the sum of the afecto (or, with `exempt`, exempt) lines. */
export const adjustmentSchema = z
  .object({
    kind: z.enum(['discount', 'surcharge']),
    description: text.optional(),
    percent: percent.optional(),
    amount: pesos.positive().optional(),
    exempt: z.boolean().optional(),
  })
  .refine((a) => (a.percent === undefined) !== (a.amount === undefined), {
    message: 'Indique el descuento o recargo global como porcentaje o como monto (uno de los dos)',
  });

export const referenceSchema = z.object({
  /** TpoDocRef: document type code (`33`, `39`, `801` orden de compra, `SET` in certification…). */
  type: z.union([z.number().int().positive(), z.string()]).transform(String),
  folio: z.union([z.number().int().nonnegative(), z.string().min(1).max(18)]).transform(String),
  date: isoDate,
  /** CodRef: 1 anula, 2 corrige texto, 3 corrige montos. */
  code: z.literal([1, 2, 3]).optional(),
  reason: text.optional(),
  /** IndGlobal: the reference covers several documents (then folio is 0). */
  global: z.boolean().optional(),
});

export const dteDocumentSchema = z
  .object({
    type: z.literal(DTE_TYPES),
    /** Folio; when absent the next free one of the CAF is used. */
    folio: z.number().int().positive().max(9999999999).optional(),
    issueDate: isoDate,
    dueDate: isoDate.optional(),
    /** FmaPago on facturas and notas: 1 contado, 2 crédito, 3 sin costo. */
    paymentForm: z.literal([1, 2, 3]).optional(),
    /**
     * MntBruto = 1 on facturas and notas: line prices, discounts and amounts include IVA, and the
     * net is derived from their sum as on boletas (a nota de crédito of a boleta mirrors it so).
     */
    grossAmounts: z.boolean().optional(),
    /** MedioPago on boletas: 1 efectivo, 2 pago electrónico, 3 transferencia, 4 cheque, 5 otro. */
    paymentMethod: z.literal([1, 2, 3, 4, 5]).optional(),
    /** IndServicio on boletas; 3 = ventas y servicios (retail), the default. */
    serviceIndicator: z.literal([1, 2, 3, 4]).default(3),
    /** IndTraslado, required on guías de despacho (52): 1 operación constituye venta … 9. */
    transferType: z.number().int().min(1).max(9).optional(),
    issuer: issuerSchema,
    receiver: receiverSchema.default({ rut: ANONYMOUS_CONSUMER_RUT }),
    lines: z.array(lineSchema).min(1, 'El documento debe tener al menos una línea'),
    adjustments: z.array(adjustmentSchema).max(20).default([]),
    references: z.array(referenceSchema).max(40).default([]),
  })
  .superRefine((doc, ctx) => {
    const issue = (message: string, path: (string | number)[]) =>
      ctx.addIssue({ code: 'custom', message, path });
    const limit = maxLines(doc.type);
    if (doc.lines.length > limit) {
      issue(`El documento tipo ${doc.type} admite a lo más ${limit} líneas de detalle`, ['lines']);
    }
    if (isBoletaType(doc.type)) {
      if (doc.paymentForm !== undefined)
        issue('Las boletas usan paymentMethod (MedioPago), no paymentForm', ['paymentForm']);
      if (doc.grossAmounts !== undefined)
        issue('Las boletas siempre llevan montos con IVA: grossAmounts (MntBruto) es para facturas y notas', [
          'grossAmounts',
        ]);
    } else {
      if (doc.paymentMethod !== undefined)
        issue('paymentMethod (MedioPago) es solo para boletas', ['paymentMethod']);
      if (!doc.receiver.businessName)
        issue('Falta la razón social del receptor', ['receiver', 'businessName']);
      if (
        (doc.type === 33 || doc.type === 34 || doc.type === 52) &&
        !(doc.receiver.activity && doc.receiver.address && doc.receiver.commune)
      ) {
        issue('La factura o guía requiere giro, dirección y comuna del receptor', ['receiver']);
      }
    }
    doc.lines.forEach((line, i) => {
      if (line.additionalTax === undefined) return;
      // Boletas carry additional taxes inside their prices: their format has no field for them.
      if (isBoletaType(doc.type) || doc.grossAmounts || line.exempt || isExemptType(doc.type))
        issue(
          'El impuesto adicional (CodImpAdic) va solo en líneas afectas con precio neto de facturas, notas y guías',
          ['lines', i, 'additionalTax'],
        );
    });
    if (isExemptType(doc.type)) {
      doc.lines.forEach((line, i) => {
        if (line.exempt === false)
          issue(`El documento tipo ${doc.type} es exento: todas sus líneas son exentas`, [
            'lines',
            i,
            'exempt',
          ]);
      });
      doc.adjustments.forEach((adjustment, i) => {
        if (adjustment.exempt === false)
          issue(`El documento tipo ${doc.type} es exento`, ['adjustments', i, 'exempt']);
      });
    }
    if (doc.type === 33 && doc.lines.every((line) => line.exempt)) {
      issue('Una factura con todas sus líneas exentas debe emitirse como tipo 34', ['lines']);
    }
    if ((doc.type === 56 || doc.type === 61) && doc.references.length === 0) {
      issue('Las notas de crédito y débito deben referenciar el documento que modifican', ['references']);
    }
    if (doc.type === 52 && doc.transferType === undefined) {
      issue('La guía de despacho requiere transferType (IndTraslado)', ['transferType']);
    }
    doc.references.forEach((reference, i) => {
      if (reference.type.length > 3)
        issue('El tipo de documento referenciado admite 3 caracteres', ['references', i, 'type']);
      if (reference.folio === '0' && !reference.global) {
        issue('El folio 0 solo se admite en referencias globales', ['references', i, 'folio']);
      }
    });
  });

export type DteDocumentInput = z.input<typeof dteDocumentSchema>;
export type DteDocument = z.output<typeof dteDocumentSchema>;
export type DteLine = DteDocument['lines'][number];
export type DteAdjustment = DteDocument['adjustments'][number];
export type DteReference = DteDocument['references'][number];

const spanish = z.locales.es();

export type DteParseResult = { ok: true; data: DteDocument } | { ok: false; issues: string[] };

/** Validates a document, with the messages in Spanish (`lines.2.quantity: Debe ser mayor que cero`). */
export function parseDteDocument(input: unknown): DteParseResult {
  const result = dteDocumentSchema.safeParse(input, { error: spanish.localeError });
  if (result.success) return { ok: true, data: result.data };
  return {
    ok: false,
    issues: result.error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)),
  };
}
