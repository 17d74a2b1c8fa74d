/** Pinia store ids, in one place so devtools, tests and `storeToRefs` agree (after n8n's `STORES`). */
export const STORE_IDS = {
  SESSION: 'session',
  REALTIME: 'realtime',
  CATALOG: 'catalog',
  STOCK: 'stock',
  TILL: 'till',
  SCALE: 'scale',
  HARDWARE: 'hardware',
  CART: 'cart',
  CHECKOUT: 'checkout',
  PARKED_TICKETS: 'parkedTickets',
  WALL: 'wall',
  RETURN: 'return',
  APPROVERS: 'approvers',
  WAREHOUSES: 'warehouses',
  STOCK_LOOKUP: 'stockLookup',
  PURCHASE_RECEIPT: 'purchaseReceipt',
  TRANSFERS: 'transfers',
  STOCK_COUNT: 'stockCount',
  LOW_STOCK: 'lowStock',
  PROMOTIONS: 'promotions',
  CUSTOMER_ACCOUNTS: 'customerAccounts',
} as const;

export type StoreId = (typeof STORE_IDS)[keyof typeof STORE_IDS];
