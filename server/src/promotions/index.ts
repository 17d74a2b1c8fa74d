/** The promotions domain's front door: handlers for the composition root, the till's look-up for sales. */
export { storePromotions } from './promotion.queries.ts';
export { registerPromotionHandlers } from './promotions.handlers.ts';
