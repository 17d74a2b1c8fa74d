/** Pinia store ids, in one place so devtools, tests and `storeToRefs` agree (after n8n's `STORES`). */
export const STORE_IDS = {
  SESSION: 'session',
  REALTIME: 'realtime',
} as const;

export type StoreId = (typeof STORE_IDS)[keyof typeof STORE_IDS];
