import { z } from 'zod';
import { Uuid } from './primitives.ts';

/** What a line of a stored document (sale, return, goods receipt) shows of its product; quantity as decimal text. */
export const DocumentLine = z.object({
  lineNo: z.number().int(),
  productId: Uuid,
  code: z.string(),
  name: z.string(),
  quantity: z.string(),
});
