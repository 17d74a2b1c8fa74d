import { z } from 'zod';
import { IsoDay } from './date-range.ts';
import { command } from './define.ts';
import { EnteredPesos, Uuid } from './primitives.ts';
import { DiscountPercent } from './sales.events.ts';

/** Units in a group of a promotion (N of N×M, a pack, a minimum quantity). */
const GroupUnits = z.number().int().min(2, 'Al menos 2 unidades').max(100, 'Hasta 100 unidades');

/** A promotion's rule (see `shared/src/promotions.ts`); pesos are IVA-included, like prices. */
export const PromotionRuleInput = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('buy_pay'), buy: GroupUnits, pay: z.number().int().min(1) })
    .strict()
    .refine((r) => r.pay < r.buy, { message: 'Se paga menos de lo que se lleva (2x1, 3x2).', path: ['pay'] }),
  z.object({ kind: z.literal('pack_price'), quantity: GroupUnits, price: EnteredPesos.min(1) }).strict(),
  z.object({ kind: z.literal('second_unit'), percent: DiscountPercent }).strict(),
  z
    .object({ kind: z.literal('quantity_price'), minQuantity: GroupUnits, unitPrice: EnteredPesos.min(1) })
    .strict(),
]);

const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Hora con formato HH:MM');

/** A promotion as the back office saves it: a new one without id, an edited one with its id. */
export const PromotionInput = z
  .object({
    id: Uuid.optional(),
    name: z.string().trim().min(1, 'Escriba el nombre de la promoción.').max(40),
    rule: PromotionRuleInput,
    productIds: z.array(Uuid).max(500).default([]),
    categories: z.array(z.string().trim().min(1).max(60)).max(50).default([]),
    /** Null: every store of the company. */
    storeId: Uuid.nullable(),
    startsOn: IsoDay,
    endsOn: IsoDay,
    weekdays: z.array(z.number().int().min(1).max(7)).min(1, 'Elija al menos un día.').max(7),
    fromTime: Time.nullable().default(null),
    toTime: Time.nullable().default(null),
    active: z.boolean().default(true),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.productIds.length + p.categories.length === 0)
      ctx.addIssue({ code: 'custom', path: ['productIds'], message: 'Elija productos o categorías.' });
    if (p.endsOn < p.startsOn)
      ctx.addIssue({ code: 'custom', path: ['endsOn'], message: 'La fecha final es anterior a la inicial.' });
    if ((p.fromTime === null) !== (p.toTime === null) || (p.fromTime && p.toTime && p.fromTime >= p.toTime))
      ctx.addIssue({
        code: 'custom',
        path: ['toTime'],
        message: 'El horario va de una hora a otra posterior.',
      });
  });

export const PromotionView = z.object({
  id: Uuid,
  name: z.string(),
  rule: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('buy_pay'), buy: z.number().int(), pay: z.number().int() }),
    z.object({ kind: z.literal('pack_price'), quantity: z.number().int(), price: z.number().int() }),
    z.object({ kind: z.literal('second_unit'), percent: z.string() }),
    z.object({
      kind: z.literal('quantity_price'),
      minQuantity: z.number().int(),
      unitPrice: z.number().int(),
    }),
  ]),
  productIds: z.array(Uuid),
  categories: z.array(z.string()),
  storeId: Uuid.nullable(),
  startsOn: z.string(),
  endsOn: z.string(),
  weekdays: z.array(z.number().int()),
  fromTime: z.string().nullable(),
  toTime: z.string().nullable(),
  active: z.boolean(),
  updatedAt: z.string(),
});

/** A promotion the till showed on a line that the server no longer gives the same (PRICE_CHANGED). */
export const PromotionChange = z.object({
  productId: Uuid,
  /** Pesos the till took off the line for promotions, and what the server takes now. */
  shown: z.number().int(),
  current: z.number().int(),
});

export const promotionCommands = {
  /** Every promotion of the company (back office). */
  'promotion:list': command(z.object({}).strict(), z.array(PromotionView)),
  'promotion:save': command(PromotionInput, PromotionView),
  'promotion:delete': command(z.object({ id: Uuid }).strict(), z.object({ id: Uuid })),
  /** The promotions a till applies: its store's and everyone's, active and not ended. */
  'promotion:current': command(z.object({}).strict(), z.array(PromotionView)),
};

export const promotionNotifications = {
  /** A promotion was saved or deleted: tills ask for `promotion:current` again. */
  'promotion:changed': z.object({ id: Uuid }),
};
