/** The sale's SII document is built by `@erp/sii-core` (the store's hub builds offline sales' with it). */
export { finalDocType, type IssuerData, type ReceiverData, saleDocument } from '@erp/sii-core';
