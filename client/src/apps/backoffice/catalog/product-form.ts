import { isValidEan13 } from '@erp/shared/ean13';
import type {
  ADDITIONAL_TAX_CODES,
  PRODUCT_UNITS,
  ProductDetail,
  ProductInput,
} from '@erp/shared/events/index';
import type { z } from 'zod';
import { parsePesos } from '../../../ui/pesos-input.ts';
import { tx } from './texts.ts';

/**
 * The product editor's form as the user types it (text where people type numbers), and its
 * conversion to the `product:save` payload with Spanish problems for what is missing or wrong.
 */
export interface ProductForm {
  id: string | undefined;
  code: string;
  name: string;
  brand: string;
  category: string;
  unit: (typeof PRODUCT_UNITS)[number];
  weighable: boolean;
  plu: string;
  price: string;
  exempt: boolean;
  /** '' for none. */
  additionalTax: string;
  active: boolean;
  barcodes: string[];
}

type Detail = z.output<typeof ProductDetail>;
type Input = z.input<typeof ProductInput>;

const BARCODE = /^[0-9A-Za-z-]{1,32}$/;
const MAX_BARCODES = 20;

export function emptyProductForm(): ProductForm {
  return {
    id: undefined,
    code: '',
    name: '',
    brand: '',
    category: '',
    unit: 'unidad',
    weighable: false,
    plu: '',
    price: '',
    exempt: false,
    additionalTax: '',
    active: true,
    barcodes: [],
  };
}

export function productFormOf(product: Detail): ProductForm {
  return {
    id: product.id,
    code: product.code,
    name: product.name,
    brand: product.brand,
    category: product.category,
    unit: product.unit,
    weighable: product.weighable,
    plu: product.plu === null ? '' : String(product.plu),
    price: String(product.price),
    exempt: product.exempt,
    additionalTax: product.additionalTax === null ? '' : String(product.additionalTax),
    active: product.active,
    barcodes: [...product.barcodes],
  };
}

/** Why `code` cannot join the list, or null when it can. */
export function barcodeProblem(code: string, list: readonly string[]): string | null {
  if (!BARCODE.test(code)) return tx.problems.barcode;
  if (list.includes(code)) return tx.problems.repeatedBarcode(code);
  if (list.length >= MAX_BARCODES) return tx.problems.tooManyBarcodes;
  return null;
}

/** A warning (not an error: internal codes need not be EAN) for 13 digits with a wrong check digit. */
export function barcodeWarning(code: string): string | null {
  return /^\d{13}$/.test(code) && !isValidEan13(code) ? tx.product.badCheckDigit(code) : null;
}

export type FormResult = { ok: true; input: Input } | { ok: false; problems: string[] };

export function productInputOf(form: ProductForm): FormResult {
  const problems: string[] = [];
  if (!form.code.trim()) problems.push(tx.problems.code);
  if (!form.name.trim()) problems.push(tx.problems.name);
  const price = parsePesos(form.price);
  if (price === null) problems.push(tx.problems.price);
  const plu = form.plu.trim() === '' ? null : Number(form.plu.trim());
  const pluValid = plu === null || (Number.isSafeInteger(plu) && plu >= 0 && plu <= 999_999);
  if (!pluValid || (form.weighable && plu === null)) problems.push(tx.problems.plu);
  if (problems.length) return { ok: false, problems };
  return {
    ok: true,
    input: {
      ...(form.id ? { id: form.id } : {}),
      code: form.code.trim(),
      name: form.name.trim(),
      brand: form.brand.trim(),
      category: form.category.trim(),
      unit: form.unit,
      weighable: form.weighable,
      plu,
      price: price!,
      exempt: form.exempt,
      additionalTax: form.additionalTax
        ? (Number(form.additionalTax) as (typeof ADDITIONAL_TAX_CODES)[number])
        : null,
      active: form.active,
      barcodes: form.barcodes,
    },
  };
}
