import type { CashSessionDetail, CashSessionSummary } from '@erp/shared';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';
import { Filters } from '../platform/list-filters.ts';
import { tenantSettings } from '../tenancy/index.ts';
import { toSessionView } from './cash.service.ts';

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

type SessionRow = Parameters<typeof toSessionView>[0] & {
  store_name: string;
  terminal_name: string;
  cashier_name: string | null;
  closed_by_name: string | null;
  approved_by_name: string | null;
  counted_denominations: Record<string, number> | null;
};

const SESSION_SELECT = `select cs.*, st.name as store_name, t.name as terminal_name, u.name as cashier_name,
    cb.name as closed_by_name, ab.name as approved_by_name
  from cash_session cs join store st on st.id = cs.store_id join terminal t on t.id = cs.terminal_id
  left join app_user u on u.id = cs.cashier_id left join app_user cb on cb.id = cs.closed_by
  left join app_user ab on ab.id = cs.approved_by`;

function toSummary(row: SessionRow): Summary {
  const session = toSessionView(row);
  const countedCash = row.counted_cash === null ? null : Number(row.counted_cash);
  const countedCard = row.counted_card === null ? null : Number(row.counted_card);
  return {
    ...session,
    storeName: row.store_name,
    terminalName: row.terminal_name,
    cashierName: row.cashier_name ?? '',
    zNumber: row.z_number,
    countedCash,
    countedCard,
    cashDifference: countedCash === null ? null : countedCash - session.totals.expectedCash,
    cardDifference: countedCard === null ? null : countedCard - session.totals.expectedCard,
    closedAt: row.closed_at ? new Date(row.closed_at).toISOString() : null,
    closedByName: row.closed_by_name,
    approvedByName: row.approved_by_name,
  };
}

/** Cash sessions opened in the period, newest first, with their counts and differences. */
export async function listCashSessions(
  em: EntityManager,
  query: CashSessionListQuery,
): Promise<{ items: Summary[]; total: number }> {
  const filters = new Filters('cs.tenant_id = current_tenant_id()')
    .days('cs.opened_at', query)
    .when(query.storeId, 'cs.store_id = ?')
    .when(query.terminalId, 'cs.terminal_id = ?')
    .when(query.cashierId, 'cs.cashier_id = ?')
    .when(query.status, 'cs.status = ?');
  const [counted] = await em.execute<{ n: string }[]>(
    `select count(*) as n from cash_session cs ${filters.where}`,
    filters.params,
  );
  const rows = await em.execute<SessionRow[]>(
    `${SESSION_SELECT} ${filters.where} order by cs.opened_at desc, cs.id desc limit ? offset ?`,
    [...filters.params, query.limit, query.offset],
  );
  return { items: rows.map(toSummary), total: Number(counted!.n) };
}

/** One session: expected against counted per method, the count by denomination, cash in and out. */
export async function cashSessionDetail(
  em: EntityManager,
  sessionId: string,
): Promise<z.infer<typeof CashSessionDetail>> {
  const [row] = await em.execute<SessionRow[]>(`${SESSION_SELECT} where cs.id = ?`, [sessionId]);
  if (!row) throw AppError.notFound('la sesión de caja');
  const movements = await em.execute<
    { kind: 'in' | 'out'; amount: string; reason: string; user_name: string | null; created_at: Date }[]
  >(
    `select m.kind, m.amount, m.reason, u.name as user_name, m.created_at
       from cash_movement m left join app_user u on u.id = m.user_id
      where m.session_id = ? order by m.created_at, m.id`,
    [sessionId],
  );
  return {
    ...toSummary(row),
    tolerance: (await tenantSettings(em)).cashCloseTolerance,
    denominations: row.counted_denominations,
    movements: movements.map((m) => ({
      kind: m.kind,
      amount: Number(m.amount),
      reason: m.reason,
      userName: m.user_name ?? '',
      at: new Date(m.created_at).toISOString(),
    })),
  };
}
