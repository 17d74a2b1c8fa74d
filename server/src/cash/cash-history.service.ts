import type { CashSessionDetail, CashSessionSummary } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';
import { Filters } from '../platform/list-filters.ts';
import { type Page, readPage } from '../platform/list-page.ts';
import { tenantSettings } from '../tenancy/index.ts';
import { CASH_SESSION_LIST, sessionHistoryRow, sessionMovements, toSessionSummary } from './cash.queries.ts';

type Summary = z.infer<typeof CashSessionSummary>;

export interface CashSessionListQuery {
  from?: string | undefined;
  to?: string | undefined;
  storeId?: string | undefined;
  terminalId?: string | undefined;
  cashierId?: string | undefined;
  status?: 'open' | 'pending_approval' | 'closed' | undefined;
  offset: number;
  limit: number;
}

/** Cash sessions opened in the period, newest first, with their counts and differences. */
export function listCashSessions(em: EntityManager, query: CashSessionListQuery): Promise<Page<Summary>> {
  const filters = new Filters('cs.tenant_id = current_tenant_id()')
    .days('cs.opened_at', query)
    .when(query.storeId, 'cs.store_id = ?')
    .when(query.terminalId, 'cs.terminal_id = ?')
    .when(query.cashierId, 'cs.cashier_id = ?')
    .when(query.status, 'cs.status = ?');
  return readPage(em, filters, CASH_SESSION_LIST, query, toSessionSummary);
}

/** One session: expected against counted per method, the count by denomination, cash in and out. */
export async function cashSessionDetail(
  em: EntityManager,
  sessionId: string,
): Promise<z.infer<typeof CashSessionDetail>> {
  const row = await sessionHistoryRow(em, sessionId);
  if (!row) throw AppError.notFound('la sesión de caja');
  const movements = await sessionMovements(em, sessionId);
  return {
    ...toSessionSummary(row),
    tolerance: (await tenantSettings(em)).cashCloseTolerance,
    denominations: row.counted_denominations,
    movements,
  };
}
