/** SQL of the people's hardware commands (the spool's own statements live in print-spool.queries.ts). */

/** The terminal's own cash sale by this cashier, committed less than `?` milliseconds ago. */
export const FRESH_CASH_SALE_SQL = `select 1 from sale
      where id = ? and terminal_id = ? and store_id = ? and cashier_id = ? and kind = 'sale'
        and paid_cash > 0 and issued_at > now() - ? * interval '1 millisecond'`;
