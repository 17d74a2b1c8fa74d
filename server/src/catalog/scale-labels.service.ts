import type { ProductView } from '@erp/shared';
import {
  DEFAULT_SCALE_LABEL_RULES,
  parseScaleLabel,
  type ScaleLabelRule,
  scaleLabelLine,
} from '@erp/shared/scale-label';
import type { EntityManager } from '@mikro-orm/postgresql';
import { productIdByPlu, replaceScaleLabelRules, scaleLabelRules } from './catalog.queries.ts';
import { productsByIds } from './product.queries.ts';

/** The tenant's scale-label rules in the order they are tried; the defaults until it sets its own. */
export async function getLabelRules(em: EntityManager): Promise<ScaleLabelRule[]> {
  const rows = await scaleLabelRules(em);
  return rows.length ? rows : [...DEFAULT_SCALE_LABEL_RULES];
}

export async function setLabelRules(em: EntityManager, rules: ScaleLabelRule[]): Promise<ScaleLabelRule[]> {
  await replaceScaleLabelRules(em, rules);
  return getLabelRules(em);
}

const OUTCOME_MESSAGES = {
  scale_label: 'Etiqueta de balanza válida.',
  unknown_plu: 'La etiqueta es válida, pero ningún producto tiene ese PLU.',
  bad_check_digit: 'El dígito verificador no corresponde: la etiqueta está mal leída o mal impresa.',
  not_ean13: 'No es un código EAN-13 (13 dígitos).',
  no_rule: 'Es un EAN-13 válido, pero ninguna regla de balanza corresponde a su prefijo.',
} as const;

/**
 * The back office's "test a label" tool: what a scanned scale label means with this tenant's
 * rules, which product its PLU names and the line it would ring up at this store's price.
 */
export async function testLabel(em: EntityManager, barcode: string, storeId: string | null) {
  const parsed = parseScaleLabel(barcode, await getLabelRules(em));
  const empty = { plu: null, valueKind: null, quantity: null, amount: null, product: null };
  if (!parsed.ok) {
    return { barcode, outcome: parsed.reason, message: OUTCOME_MESSAGES[parsed.reason], ...empty };
  }
  const id = await productIdByPlu(em, parsed.plu);
  const product: ProductView | undefined = id ? (await productsByIds(em, [id], storeId))[0] : undefined;
  if (!product) {
    return {
      barcode,
      outcome: 'unknown_plu' as const,
      message: OUTCOME_MESSAGES.unknown_plu,
      ...empty,
      plu: parsed.plu,
      valueKind: parsed.valueKind,
    };
  }
  const line = scaleLabelLine(parsed, product.storePrice ?? product.price);
  return {
    barcode,
    outcome: 'scale_label' as const,
    message: OUTCOME_MESSAGES.scale_label,
    plu: parsed.plu,
    valueKind: parsed.valueKind,
    quantity: line.quantity,
    amount: line.amount,
    product,
  };
}
