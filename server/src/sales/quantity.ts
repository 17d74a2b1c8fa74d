/** Quantities are exact thousandths; the arithmetic is shared with the store's hub. */
export { lineGross, toMilli } from '@erp/sii-core';
