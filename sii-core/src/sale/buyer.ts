import {
  boletaNeedsBuyer,
  buyerIdThreshold,
  type DteDocument,
  formatClp,
  isBoletaType,
  type TenantSettings,
  UF_FALLBACK,
} from '@erp/shared';
import { DteError } from '../errors.ts';
import { type BuyerField, missingBuyerData } from '../identified-boleta.ts';

const BUYER_FIELD_NAMES: Readonly<Record<BuyerField, string>> = {
  rut: 'RUT',
  name: 'nombre',
  email: 'correo',
  phone: 'teléfono',
  paymentMethod: 'medio de pago',
};

/**
 * A boleta above 135 UF must carry its buyer (Ley 21.713): refused before any folio is taken,
 * naming the threshold and what is missing. The UF is the tenant's setting, or the conservative
 * fallback while none is set.
 */
export function assertBuyerIdentified(document: DteDocument, total: number, uf: TenantSettings['uf']): void {
  if (!isBoletaType(document.type) || !boletaNeedsBuyer(total, uf)) return;
  const missing = missingBuyerData(document);
  if (missing.length === 0) return;
  const names = missing.map((field) => BUYER_FIELD_NAMES[field]);
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} y ${names.at(-1)}` : names[0];
  const threshold = buyerIdThreshold(uf);
  const ufDate = (uf ?? UF_FALLBACK).date.split('-').reverse().join('-');
  throw new DteError(
    'BOLETA_NEEDS_RECEIVER',
    `La boleta de ${formatClp(total)} supera 135 UF (${formatClp(threshold)} con la UF del ${ufDate}): debe identificar al comprador (Ley 21.713). Falta: ${list}.`,
    { missing, threshold },
  );
}
