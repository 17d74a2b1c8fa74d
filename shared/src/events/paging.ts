import { z } from 'zod';

/**
 * Offset paging for back-office lists: the server answers one page and the total, so a list
 * of 100,000 sales never travels whole.
 */
export const PageRequest = {
  offset: z.number().int().min(0).max(1_000_000).default(0),
  limit: z.number().int().min(1).max(200).default(50),
};

export function pageOf<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int().min(0) });
}
