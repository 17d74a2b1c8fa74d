import { AppError } from '../platform/app-error.ts';
import type { SocketData } from '../realtime/types.ts';
import type { Seller } from './sales.service.ts';

/** Who may sell at a till, and park, resume or discard its tickets. */
export const SELLING_ROLES = ['owner', 'admin', 'supervisor', 'cashier'] as const;

/** The seller on a connection: a till sells in the one store its socket serves. */
export function sellerOf(data: SocketData): Seller {
  if (!data.storeId) throw AppError.validation(undefined, 'Seleccione una sucursal para vender.');
  return { tenantId: data.tenantId, userId: data.userId, role: data.role, storeId: data.storeId };
}
