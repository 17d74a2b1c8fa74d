import { describe, expect, it } from 'vitest';
import { decodeCsv } from './csv-file.ts';
import {
  barcodeProblem,
  barcodeWarning,
  emptyProductForm,
  type ProductForm,
  productFormOf,
  productInputOf,
} from './product-form.ts';

const form = (changes: Partial<ProductForm>): ProductForm => ({
  ...emptyProductForm(),
  code: 'LEC-1',
  name: 'Leche entera 1 L',
  price: '1.190',
  ...changes,
});

describe('productInputOf', () => {
  it('builds the save payload from the typed form', () => {
    const result = productInputOf(
      form({ brand: ' Colún ', additionalTax: '27', barcodes: ['7802900001018'], exempt: false }),
    );
    expect(result).toEqual({
      ok: true,
      input: {
        code: 'LEC-1',
        name: 'Leche entera 1 L',
        brand: 'Colún',
        category: '',
        unit: 'unidad',
        weighable: false,
        plu: null,
        price: 1190,
        exempt: false,
        additionalTax: 27,
        active: true,
        barcodes: ['7802900001018'],
      },
    });
  });

  it('keeps the id of an edited product and round-trips its data', () => {
    const product = {
      id: '7d7c5a06-6f55-4f3b-9d5e-0b8a4f0c1a11',
      code: 'PAN-1',
      name: 'Pan marraqueta',
      brand: '',
      category: 'Panadería',
      unit: 'kg' as const,
      weighable: true,
      plu: 11,
      price: 2490,
      exempt: false,
      additionalTax: null,
      active: true,
      barcodes: [],
      version: 4,
      storePrices: [],
    };
    const result = productInputOf(productFormOf(product));
    const { version: _, storePrices: __, ...input } = product;
    expect(result).toEqual({ ok: true, input });
  });

  it('lists every problem in Spanish', () => {
    const result = productInputOf(form({ code: ' ', name: '', price: '1,5', weighable: true, plu: '' }));
    expect(result).toEqual({
      ok: false,
      problems: [
        'Ingrese el código interno.',
        'Ingrese el nombre del producto.',
        'Ingrese el precio en pesos, sin decimales (por ejemplo 1.990).',
        'Un producto pesable necesita un PLU entre 0 y 999.999 para leer las etiquetas de la balanza.',
      ],
    });
    expect(productInputOf(form({ plu: '1234567' })).ok).toBe(false);
  });
});

describe('barcodes', () => {
  it('refuses malformed and repeated codes, and more than 20', () => {
    expect(barcodeProblem('7802900001018', [])).toBeNull();
    expect(barcodeProblem('780 290', [])).toMatch(/letras, números y guiones/);
    expect(barcodeProblem('ABC-1', ['ABC-1'])).toBe('El código ABC-1 ya está en la lista.');
    const twenty = Array.from({ length: 20 }, (_, i) => `C${i}`);
    expect(barcodeProblem('C99', twenty)).toBe('Un producto admite hasta 20 códigos de barra.');
  });

  it('warns about an EAN-13 with a wrong check digit, not about other codes', () => {
    expect(barcodeWarning('7802900001018')).toBeNull();
    expect(barcodeWarning('7802900001019')).toMatch(/dígito verificador/);
    expect(barcodeWarning('INT-0001')).toBeNull();
  });
});

describe('decodeCsv', () => {
  it('reads UTF-8, and Windows-1252 when the bytes are not UTF-8', () => {
    expect(decodeCsv(new TextEncoder().encode('categoria\nLácteos'))).toBe('categoria\nLácteos');
    // "Lácteos" as Excel's es-CL "CSV (delimitado por comas)" saves it: á is 0xE1.
    const latin = new Uint8Array([0x4c, 0xe1, 0x63, 0x74, 0x65, 0x6f, 0x73]);
    expect(decodeCsv(latin)).toBe('Lácteos');
  });
});
