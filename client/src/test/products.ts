import type { ProductView } from '@erp/shared/events/index';

/** A product as the catalog feed sends it, with test defaults. */
export function product(overrides: Partial<ProductView> & { code: string; name: string }): ProductView {
  return {
    id: crypto.randomUUID(),
    brand: '',
    category: 'Almacén',
    unit: 'unidad',
    weighable: false,
    plu: null,
    price: 1000,
    exempt: false,
    additionalTax: null,
    active: true,
    barcodes: [],
    version: 1,
    storePrice: null,
    ...overrides,
  };
}
