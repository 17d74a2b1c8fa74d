/**
 * The pure rules of a sale at the till, shared by the central server (online sales and the
 * synchronisation of offline ones) and the store's hub (offline sales), so both price, total
 * and document a sale with the same code: pricing, promotions, discount limits, payments with
 * cash rounding, the 135 UF buyer rule and the document. Refusals are `DteError`s carrying the
 * shared error codes; the server turns them into its `AppError`, the hub into its answer.
 */
export { assertBuyerIdentified } from './buyer.ts';
export {
  discountOf,
  discountPlace,
  listAmount,
  overLimitMessage,
  type Reduction,
  saleReductions,
  TICKET_DISCOUNT,
  ticketDiscountOf,
  ticketDiscountText,
  withinDiscountLimit,
} from './discounts.ts';
export { finalDocType, type IssuerData, type ReceiverData, saleDocument } from './document.ts';
export { type SalePayment, type SettledPayments, settlePayments } from './payments.ts';
export {
  type GivenDiscount,
  type PricedLine,
  type PricingProduct,
  priceLines,
  type SaleLine,
} from './pricing.ts';
export { promoteLines, promotionDescription, promotionDiscounts, promotionPesos } from './promotions.ts';
export { lineGross, toMilli } from './quantity.ts';
export { receiptDocument } from './receipt.ts';
