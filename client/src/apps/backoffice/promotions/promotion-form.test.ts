import { PromotionInput } from '@erp/shared/events/index';
import { describe, expect, it } from 'vitest';
import { formOf, inputOf } from './promotion-form.ts';

const ID = '0b6f0c52-3a36-4c39-9a4b-0c0c8a1f0a11';

describe('promotion form', () => {
  it('turns a pack price typed with thousands dots into the input the server validates', () => {
    const form = formOf(null, '2026-12-06', new Map());
    Object.assign(form, {
      name: ' 3 por $2.000 ',
      kind: 'pack_price',
      packPrice: '2.000',
      fromTime: '09:00',
      toTime: '13:00',
    });
    form.products = [{ id: ID, label: 'Jugo' }];
    const input = inputOf(form, undefined);
    expect(input).toEqual({
      name: '3 por $2.000',
      rule: { kind: 'pack_price', quantity: 3, price: 2000 },
      productIds: [ID],
      categories: [],
      storeId: null,
      startsOn: '2026-12-06',
      endsOn: '2027-01-06',
      weekdays: [1, 2, 3, 4, 5, 6, 7],
      fromTime: '09:00',
      toTime: '13:00',
      active: true,
    });
    expect(PromotionInput.safeParse(input).success).toBe(true);
  });

  it('reads a saved promotion back with its rule and product names, and says what is missing', () => {
    const form = formOf(
      {
        id: ID,
        name: '2ª al 50',
        rule: { kind: 'second_unit', percent: '50' },
        productIds: [ID],
        categories: ['Lácteos'],
        storeId: null,
        startsOn: '2026-12-01',
        endsOn: '2026-12-31',
        weekdays: [6, 7],
        fromTime: null,
        toTime: null,
        active: false,
        updatedAt: '2026-12-01T00:00:00Z',
      },
      '2026-12-06',
      new Map([[ID, 'Yogur']]),
    );
    expect(form).toMatchObject({
      kind: 'second_unit',
      percent: '50',
      products: [{ id: ID, label: 'Yogur' }],
      weekdays: [6, 7],
      active: false,
    });
    expect(inputOf(form, ID)).toMatchObject({
      id: ID,
      rule: { kind: 'second_unit', percent: '50' },
      fromTime: null,
    });
    const empty = PromotionInput.safeParse({ ...inputOf(form, ID), productIds: [], categories: [] });
    expect(empty.success ? [] : empty.error.issues.map((i) => i.message)).toContain(
      'Elija productos o categorías.',
    );
  });
});
