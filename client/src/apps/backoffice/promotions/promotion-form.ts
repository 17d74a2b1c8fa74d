import type { PromotionInput, PromotionView } from '@erp/shared/events/index';
import type { PromotionKind } from '@erp/shared/promotions';
import type { z } from 'zod';

type View = z.output<typeof PromotionView>;

/** A product the promotion names, with what the editor shows for it. */
export interface PickedProduct {
  id: string;
  label: string;
}

/** The editor's fields, as typed: numbers as text, every rule's fields kept while switching kinds. */
export interface PromotionForm {
  name: string;
  kind: PromotionKind;
  buy: string;
  pay: string;
  packQuantity: string;
  packPrice: string;
  percent: string;
  minQuantity: string;
  unitPrice: string;
  products: PickedProduct[];
  categories: string[];
  storeId: string | null;
  startsOn: string;
  endsOn: string;
  weekdays: number[];
  fromTime: string;
  toTime: string;
  active: boolean;
}

/** A new promotion's fields (a 2x1 every day from `today` for a month), or a saved one's. */
export function formOf(view: View | null, today: string, labels: ReadonlyMap<string, string>): PromotionForm {
  const month = new Date(`${today}T12:00:00Z`);
  month.setUTCMonth(month.getUTCMonth() + 1);
  const form: PromotionForm = {
    name: view?.name ?? '',
    kind: view?.rule.kind ?? 'buy_pay',
    buy: '2',
    pay: '1',
    packQuantity: '3',
    packPrice: '',
    percent: '50',
    minQuantity: '6',
    unitPrice: '',
    products: (view?.productIds ?? []).map((id) => ({ id, label: labels.get(id) ?? id })),
    categories: [...(view?.categories ?? [])],
    storeId: view?.storeId ?? null,
    startsOn: view?.startsOn ?? today,
    endsOn: view?.endsOn ?? month.toISOString().slice(0, 10),
    weekdays: [...(view?.weekdays ?? [1, 2, 3, 4, 5, 6, 7])],
    fromTime: view?.fromTime ?? '',
    toTime: view?.toTime ?? '',
    active: view?.active ?? true,
  };
  const rule = view?.rule;
  if (rule?.kind === 'buy_pay') Object.assign(form, { buy: String(rule.buy), pay: String(rule.pay) });
  if (rule?.kind === 'pack_price')
    Object.assign(form, { packQuantity: String(rule.quantity), packPrice: String(rule.price) });
  if (rule?.kind === 'second_unit') form.percent = rule.percent;
  if (rule?.kind === 'quantity_price')
    Object.assign(form, { minQuantity: String(rule.minQuantity), unitPrice: String(rule.unitPrice) });
  return form;
}

const whole = (text: string) => Number(text.replace(/\./g, '').trim());

/** What `promotion:save` is sent; the server validates it (with Spanish messages) like any input. */
export function inputOf(form: PromotionForm, id: string | undefined): z.input<typeof PromotionInput> {
  const rule =
    form.kind === 'buy_pay'
      ? { kind: form.kind, buy: whole(form.buy), pay: whole(form.pay) }
      : form.kind === 'pack_price'
        ? { kind: form.kind, quantity: whole(form.packQuantity), price: whole(form.packPrice) }
        : form.kind === 'second_unit'
          ? { kind: form.kind, percent: form.percent.replace(',', '.').trim() }
          : { kind: form.kind, minQuantity: whole(form.minQuantity), unitPrice: whole(form.unitPrice) };
  return {
    ...(id ? { id } : {}),
    name: form.name.trim(),
    rule,
    productIds: form.products.map((p) => p.id),
    categories: form.categories,
    storeId: form.storeId,
    startsOn: form.startsOn,
    endsOn: form.endsOn,
    weekdays: [...form.weekdays].sort(),
    fromTime: form.fromTime || null,
    toTime: form.toTime || null,
    active: form.active,
  };
}
