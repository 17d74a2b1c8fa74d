import type { CustomerAccountInput, CustomerAccountMovement, CustomerAccountView } from '@erp/shared';
import type { z } from 'zod';
import { camelView, num } from '../platform/rows.ts';
import type { SqlFragment } from '../platform/sql-fragment.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';

/**
 * Customer accounts (fiado) and their ledger: the statements and the views. The balance is
 * always the ledger's sum (fiado sales less abonos and returns); an account is overdue when the
 * credits, applied to its oldest fiados first, leave one unpaid older than its terms. Every function runs
 * in the caller's tenant transaction.
 */

type AccountView = z.infer<typeof CustomerAccountView>;
type AccountInput = z.output<typeof CustomerAccountInput>;

interface AccountRow {
  id: string;
  name: string;
  rut: string | null;
  phone: string | null;
  credit_limit: string;
  blocked: boolean;
  terms_days: number;
  balance: string;
  oldest_unpaid_at: Date | null;
  overdue: boolean;
}

const toView = (row: AccountRow): AccountView =>
  camelView(row, { numbers: ['credit_limit', 'balance'], dates: ['oldest_unpaid_at'] });

/** How many accounts a list answers at most (the picker narrows by name or RUT). */
const LIST_LIMIT = 200;

/**
 * Accounts with balance and overdue state: one by id, or those matching a search (a part of the
 * name, or the start of the RUT with or without dots and dash), optionally overdue only.
 */
export async function accountViews(
  em: SqlExecutor,
  filter: { id?: string; search?: string; overdueOnly?: boolean },
): Promise<AccountView[]> {
  const search = filter.search?.trim() || null;
  const rows = await em.execute<AccountRow[]>(
    `with totals as (
       select account_id, coalesce(sum(amount) filter (where kind = 'sale'), 0) as debits,
              coalesce(sum(amount) filter (where kind <> 'sale'), 0) as credits
         from customer_account_movement where (?::uuid is null or account_id = ?::uuid) group by account_id),
     unpaid as (
       select d.account_id, min(d.created_at) as oldest
         from (select account_id, created_at,
                      sum(amount) over (partition by account_id order by created_at, id) as up_to
                 from customer_account_movement
                where kind = 'sale' and (?::uuid is null or account_id = ?::uuid)) d
         join totals t on t.account_id = d.account_id
        where d.up_to > t.credits
        group by d.account_id),
     accounts as (
       select a.id, a.name, a.rut, a.phone, a.credit_limit, a.blocked, a.terms_days,
              coalesce(t.debits, 0) - coalesce(t.credits, 0) as balance, u.oldest as oldest_unpaid_at,
              coalesce(u.oldest < now() - make_interval(days => a.terms_days), false) as overdue
         from customer_account a
         left join totals t on t.account_id = a.id
         left join unpaid u on u.account_id = a.id
        where (?::uuid is null or a.id = ?::uuid)
          and (?::text is null
               or a.name ilike '%' || ? || '%'
               or (regexp_replace(?, '[^0-9kK]', '', 'g') <> ''
                   and replace(a.rut, '-', '') ilike regexp_replace(?, '[^0-9kK]', '', 'g') || '%')))
     select * from accounts where not ? or overdue order by overdue desc, lower(name), id limit ?`,
    [
      filter.id ?? null,
      filter.id ?? null,
      filter.id ?? null,
      filter.id ?? null,
      filter.id ?? null,
      filter.id ?? null,
      search,
      search,
      search,
      search,
      filter.overdueOnly ?? false,
      LIST_LIMIT,
    ],
  );
  return rows.map(toView);
}

/** Creates or edits an account; none when the id names no account. A RUT in use is a unique violation. */
export async function saveAccount(em: SqlExecutor, id: string, input: AccountInput): Promise<boolean> {
  const params = [
    input.name,
    input.rut ?? null,
    input.phone ?? null,
    input.creditLimit,
    input.blocked,
    input.termsDays,
  ];
  const rows = input.id
    ? await em.execute<{ id: string }[]>(
        `update customer_account set name = ?, rut = ?, phone = ?, credit_limit = ?, blocked = ?, terms_days = ?,
                updated_at = now()
          where id = ? returning id`,
        [...params, id],
      )
    : await em.execute<{ id: string }[]>(
        `insert into customer_account (id, tenant_id, name, rut, phone, credit_limit, blocked, terms_days)
         values (?, current_tenant_id(), ?, ?, ?, ?, ?, ?) returning id`,
        [id, ...params],
      );
  return rows.length > 0;
}

export interface LockedAccount {
  id: string;
  name: string;
  rut: string | null;
  creditLimit: number;
  blocked: boolean;
  balance: number;
}

/**
 * The account locked until commit, with its balance read after the lock is held (a separate
 * statement: under READ COMMITTED it sees every movement committed before the lock was granted),
 * so two tills charging one account run one after the other and never both pass its limit.
 */
export async function lockAccount(em: SqlExecutor, id: string): Promise<LockedAccount | undefined> {
  const [row] = await em.execute<
    { id: string; name: string; rut: string | null; credit_limit: string; blocked: boolean }[]
  >('select id, name, rut, credit_limit, blocked from customer_account where id = ? for update', [id]);
  if (!row) return undefined;
  return {
    id: row.id,
    name: row.name,
    rut: row.rut,
    creditLimit: num(row.credit_limit),
    blocked: row.blocked,
    balance: await accountBalance(em, id),
  };
}

/** The account's balance from its ledger. */
export async function accountBalance(em: SqlExecutor, id: string): Promise<number> {
  const [{ balance } = { balance: '0' }] = await em.execute<{ balance: string }[]>(
    `select coalesce(sum(case kind when 'sale' then amount else -amount end), 0) as balance
       from customer_account_movement where account_id = ?`,
    [id],
  );
  return num(balance);
}

/** A fiado sale's debit, written in the sale's one statement; returns its row. */
export function fiadoDebit(debit: {
  saleId: string;
  accountId: string;
  amount: number;
  storeId: string;
  terminalId: string;
  cashSessionId: string;
  userId: string;
  approvedBy: string | null;
}): SqlFragment {
  return {
    sql: `insert into customer_account_movement (id, tenant_id, account_id, kind, amount, sale_id, store_id, terminal_id,
                                                 cash_session_id, user_id, approved_by)
          values (gen_random_uuid(), current_tenant_id(), ?, 'sale', ?, ?, ?, ?, ?, ?, ?) returning id`,
    params: [
      debit.accountId,
      debit.amount,
      debit.saleId,
      debit.storeId,
      debit.terminalId,
      debit.cashSessionId,
      debit.userId,
      debit.approvedBy,
    ],
  };
}

/** What a sale charged to an account, and what its returns credited back so far. */
export async function fiadoOfSale(
  em: SqlExecutor,
  saleId: string,
): Promise<{ accountId: string; charged: number; credited: number } | undefined> {
  const [row] = await em.execute<{ account_id: string; amount: string; credited: string }[]>(
    `select m.account_id, m.amount,
            (select coalesce(sum(c.amount), 0) from customer_account_movement c join sale r on r.id = c.sale_id
              where c.kind = 'return' and r.original_sale_id = m.sale_id) as credited
       from customer_account_movement m where m.sale_id = ? and m.kind = 'sale'`,
    [saleId],
  );
  return row && { accountId: row.account_id, charged: num(row.amount), credited: num(row.credited) };
}

/** A return's credit to the account its sale was charged to, written in the return's one statement. */
export function fiadoCredit(credit: {
  returnId: string;
  accountId: string;
  amount: number;
  storeId: string;
  terminalId: string;
  cashSessionId: string;
  userId: string;
  approvedBy: string;
}): SqlFragment {
  return {
    sql: `insert into customer_account_movement (id, tenant_id, account_id, kind, amount, sale_id, store_id, terminal_id,
                                                 cash_session_id, user_id, approved_by)
          values (gen_random_uuid(), current_tenant_id(), ?, 'return', ?, ?, ?, ?, ?, ?, ?) returning id`,
    params: [
      credit.accountId,
      credit.amount,
      credit.returnId,
      credit.storeId,
      credit.terminalId,
      credit.cashSessionId,
      credit.userId,
      credit.approvedBy,
    ],
  };
}

export interface PaymentRow {
  id: string;
  account_id: string;
  method: 'cash' | 'card';
  amount: string;
  authorization_code: string | null;
  cash_session_id: string;
  terminal_id: string;
  created_at: Date;
}

const PAYMENT_COLUMNS =
  'id, account_id, method, amount, authorization_code, cash_session_id, terminal_id, created_at';

/** An abono, unless its id is taken (a repeat): then none. */
export async function insertPayment(
  em: SqlExecutor,
  payment: {
    id: string;
    accountId: string;
    method: 'cash' | 'card';
    amount: number;
    authorizationCode: string | null;
    storeId: string;
    terminalId: string;
    cashSessionId: string;
    userId: string;
  },
): Promise<PaymentRow | undefined> {
  const [row] = await em.execute<PaymentRow[]>(
    `insert into customer_account_movement (id, tenant_id, account_id, kind, amount, method, authorization_code, store_id,
                                            terminal_id, cash_session_id, user_id)
     values (?, current_tenant_id(), ?, 'payment', ?, ?, ?, ?, ?, ?, ?)
     on conflict (id) do nothing returning ${PAYMENT_COLUMNS}`,
    [
      payment.id,
      payment.accountId,
      payment.amount,
      payment.method,
      payment.authorizationCode,
      payment.storeId,
      payment.terminalId,
      payment.cashSessionId,
      payment.userId,
    ],
  );
  return row;
}

/** An abono already recorded, with the balance right after it. */
export async function storedPayment(
  em: SqlExecutor,
  id: string,
): Promise<(PaymentRow & { balance: string }) | undefined> {
  const [row] = await em.execute<(PaymentRow & { balance: string })[]>(
    `select ${PAYMENT_COLUMNS},
            (select coalesce(sum(case o.kind when 'sale' then o.amount else -o.amount end), 0)
               from customer_account_movement o
              where o.account_id = m.account_id and (o.created_at, o.id) <= (m.created_at, m.id)) as balance
       from customer_account_movement m where id = ? and kind = 'payment'`,
    [id],
  );
  return row;
}

interface MovementRow {
  id: string;
  kind: 'sale' | 'payment' | 'return';
  amount: string;
  balance: string;
  sale_id: string | null;
  doc_type: number | null;
  folio: number | null;
  method: 'cash' | 'card' | null;
  created_at: Date;
}

/** Every movement of the account, oldest first, with the running balance. */
export async function accountMovements(
  em: SqlExecutor,
  accountId: string,
): Promise<z.infer<typeof CustomerAccountMovement>[]> {
  const rows = await em.execute<MovementRow[]>(
    `select m.id, m.kind, m.amount,
            sum(case m.kind when 'sale' then m.amount else -m.amount end) over (order by m.created_at, m.id) as balance,
            m.sale_id, s.doc_type, s.folio, m.method, m.created_at
       from customer_account_movement m left join sale s on s.id = m.sale_id
      where m.account_id = ?
      order by m.created_at, m.id`,
    [accountId],
  );
  return rows.map((row) => camelView(row, { numbers: ['amount', 'balance'], dates: ['created_at'] }));
}

/** What an abono voucher prints of the company, the store, the till and the cashier. */
export async function voucherHeading(
  em: SqlExecutor,
  place: { storeId: string; terminalId: string; userId: string },
): Promise<{
  rut: string;
  razon_social: string;
  address: string;
  comuna: string;
  terminal: string;
  cashier: string;
}> {
  const [row] = await em.execute<
    {
      rut: string;
      razon_social: string;
      address: string;
      comuna: string;
      terminal: string;
      cashier: string;
    }[]
  >(
    `select t.rut, t.razon_social, s.address, s.comuna,
            (select name from terminal where id = ?) as terminal, (select name from app_user where id = ?) as cashier
       from tenant t join store s on s.tenant_id = t.id where s.id = ?`,
    [place.terminalId, place.userId, place.storeId],
  );
  return row!;
}

/** The voucher's print job, queued like a receipt (the store's hub takes it from the outbox). */
export async function queueVoucher(
  em: SqlExecutor,
  job: { jobId: string; storeId: string; terminalId: string; document: unknown },
): Promise<void> {
  await em.execute(
    `insert into outbox (tenant_id, topic, key, payload) values (current_tenant_id(), 'print.receipt', ?, ?::jsonb)`,
    [`account-payment-${job.jobId}`, JSON.stringify(job)],
  );
}
