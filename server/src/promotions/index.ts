/** The promotions domain's front door: handlers for the composition root, the till's look-up for sales. */
export {
  type StoredPromotion,
  storePromotions,
  storePromotionsFrom,
  storePromotionsJson,
} from './promotion.queries.ts';
export { registerPromotionHandlers } from './promotions.handlers.ts';
