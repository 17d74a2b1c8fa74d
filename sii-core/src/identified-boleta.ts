/**
 * A boleta above 135 UF identifies its buyer (Ley 21.713; FMT-BOL v4.1 A.10, A.18–A.23, fields
 * only the sii-2025 EnvioBOLETA_v11.xsd has) [docs/sii-rules.md#boletas-above-135-uf]: RUTRecep
 * other than the anonymous consumer, RznSocRecep, CorreoRecep, TelefonoRecep and MedioPago.
 * Whether a total is above 135 UF is `boletaNeedsBuyer` (@erp/shared): the UF is the tenant's.
 */
import { ANONYMOUS_CONSUMER_RUT, type DteDocument } from '@erp/shared';

export type BuyerField = 'rut' | 'name' | 'email' | 'phone' | 'paymentMethod';

/** What the boleta lacks to identify its buyer, in schema order; empty when nothing. */
export function missingBuyerData(doc: Pick<DteDocument, 'receiver' | 'paymentMethod'>): BuyerField[] {
  const { receiver } = doc;
  const missing: BuyerField[] = [];
  if (receiver.rut === ANONYMOUS_CONSUMER_RUT) missing.push('rut');
  if (!receiver.businessName?.trim()) missing.push('name');
  if (!receiver.email?.trim()) missing.push('email');
  if (!receiver.phone?.trim()) missing.push('phone');
  if (doc.paymentMethod === undefined) missing.push('paymentMethod');
  return missing;
}
