/** The receipt the hub prints is laid out by `@erp/sii-core` (the hub prints offline sales' with it). */
export { receiptDocument } from '@erp/sii-core';
