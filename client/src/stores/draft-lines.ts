import type { ProductView } from '@erp/shared/events/index';
import { type Ref, ref } from 'vue';
import { formatQuantity, fromMilli, parseQuantity, toMilli } from './quantity.ts';

/** A product line being put together on a tablet (a receipt, a transfer), quantity as typed. */
export interface DraftLine {
  productId: string;
  name: string;
  code: string;
  weighable: boolean;
  /** As the person typed it (`'2'`, `'0,75'`): checked with `parseQuantity` when sent. */
  quantity: string;
}

/** Wire quantity (`'1.500'`) → what the quantity field shows (`'1,5'`). */
export function typedQuantity(wire: string): string {
  const text = formatQuantity(wire, false);
  return text.includes(',') ? text.replace(/0+$/, '') : text;
}

/**
 * The lines of a draft: scanning a product again adds to its line and brings it to the top,
 * so the line just scanned is always the first one in view.
 * @example
 * const draft = draftLines<DraftLine & { unitCost: string }>();
 * draft.add(product, '1.000', { unitCost: '' });
 */
export function draftLines<L extends DraftLine>() {
  const lines = ref([]) as Ref<L[]>;

  function find(productId: string): L | undefined {
    return lines.value.find((l) => l.productId === productId);
  }

  /** Adds `quantity` (wire form) of the product; `extra` fills the fields of a new line only. */
  function add(product: ProductView, quantity: string, extra: Omit<L, keyof DraftLine>): L {
    const existing = find(product.id);
    if (existing) {
      const typed = parseQuantity(existing.quantity);
      const sum = typed ? toMilli(typed) + toMilli(quantity) : toMilli(quantity);
      existing.quantity = typedQuantity(fromMilli(sum));
      lines.value = [existing, ...lines.value.filter((l) => l !== existing)];
      return existing;
    }
    const line = {
      productId: product.id,
      name: product.name,
      code: product.code,
      weighable: product.weighable,
      quantity: typedQuantity(quantity),
      ...extra,
    } as L;
    lines.value = [line, ...lines.value];
    return lines.value[0]!;
  }

  function update(productId: string, patch: Partial<L>): void {
    const line = find(productId);
    if (line) Object.assign(line, patch);
  }

  function remove(productId: string): void {
    lines.value = lines.value.filter((l) => l.productId !== productId);
  }

  function clear(): void {
    lines.value = [];
  }

  return { lines, find, add, update, remove, clear };
}
