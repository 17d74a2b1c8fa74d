import type { PromotionInput, PromotionView } from '@erp/shared';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';
import { isoTime } from '../platform/rows.ts';
import type { SqlFragment } from '../platform/sql-fragment.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';

/** Promotions' SQL. Every function runs in the caller's tenant transaction (RLS). */

type View = z.output<typeof PromotionView>;

interface PromotionRow {
  id: string;
  name: string;
  rule: View['rule'];
  productIds: string[];
  categories: string[];
  storeId: string | null;
  startsOn: string;
  endsOn: string;
  weekdays: number[];
  fromTime: string | null;
  toTime: string | null;
  active: boolean;
  /** A Date from a row, ISO text from a JSON value. */
  updatedAt: Date | string;
}

/** A promotion as `storePromotionsJson` gives it. */
export type StoredPromotion = PromotionRow;

const COLUMNS = `id, name, rule, product_ids as "productIds", categories, store_id as "storeId",
  to_char(starts_on, 'YYYY-MM-DD') as "startsOn", to_char(ends_on, 'YYYY-MM-DD') as "endsOn",
  weekdays::int[] as weekdays, to_char(from_time, 'HH24:MI') as "fromTime", to_char(to_time, 'HH24:MI') as "toTime",
  active, updated_at as "updatedAt"`;

const view = (row: PromotionRow): View => ({ ...row, updatedAt: isoTime(row.updatedAt) });

/** Every promotion of the company, the latest ending first. */
export async function listPromotions(em: SqlExecutor): Promise<View[]> {
  const rows = await em.execute<PromotionRow[]>(
    `select ${COLUMNS} from promotion order by ends_on desc, name, id`,
  );
  return rows.map(view);
}

/**
 * The promotions a till of `storeId` may apply on `today` (Chile's date) or later: active, not
 * ended, its store's or every store's, as one JSON value. A fragment, so that a sale reads them
 * in the same round trip as its cart (`storePromotionsFrom` reads the value back). Whether one
 * runs at a given moment is `promotionRuns`'s.
 */
export function storePromotionsJson(storeId: string, today: string): SqlFragment {
  return {
    sql: `(select coalesce(json_agg(p order by p.id), '[]'::json) from (
             select ${COLUMNS} from promotion
              where active and ends_on >= ?::date and (store_id is null or store_id = ?)) as p)`,
    params: [today, storeId],
  };
}

/** The promotions in a `storePromotionsJson` value. */
export function storePromotionsFrom(json: readonly PromotionRow[]): View[] {
  return json.map(view);
}

/** `storePromotionsJson` on its own. */
export async function storePromotions(em: SqlExecutor, storeId: string, today: string): Promise<View[]> {
  const promotions = storePromotionsJson(storeId, today);
  const [row] = await em.execute<{ promotions: PromotionRow[] }[]>(
    `select ${promotions.sql} as promotions`,
    promotions.params,
  );
  return storePromotionsFrom(row?.promotions ?? []);
}

/** Creates or replaces a promotion; null when the id to replace is not the company's. */
export async function savePromotion(
  em: SqlExecutor,
  id: string,
  input: z.output<typeof PromotionInput>,
  userId: string,
  create: boolean,
): Promise<View | null> {
  const values = [
    input.storeId,
    input.name,
    JSON.stringify(input.rule),
    `{${input.productIds.join(',')}}`,
    JSON.stringify(input.categories),
    input.startsOn,
    input.endsOn,
    `{${input.weekdays.join(',')}}`,
    input.fromTime,
    input.toTime,
    input.active,
    userId,
  ];
  const rows = await (create
    ? em.execute<PromotionRow[]>(
        `insert into promotion (tenant_id, id, store_id, name, rule, product_ids, categories, starts_on, ends_on,
                                weekdays, from_time, to_time, active, updated_by)
         values (current_tenant_id(), ?, ?, ?, ?::jsonb, ?::uuid[], array(select jsonb_array_elements_text(?::jsonb)), ?::date, ?::date, ?::smallint[],
                 ?::time, ?::time, ?, ?)
         returning ${COLUMNS}`,
        [id, ...values],
      )
    : em.execute<PromotionRow[]>(
        `update promotion set store_id = ?, name = ?, rule = ?::jsonb, product_ids = ?::uuid[], categories = array(select jsonb_array_elements_text(?::jsonb)),
                starts_on = ?::date, ends_on = ?::date, weekdays = ?::smallint[], from_time = ?::time,
                to_time = ?::time, active = ?, updated_by = ?, updated_at = now()
          where id = ?
          returning ${COLUMNS}`,
        [...values, id],
      )
  ).catch((error: unknown) => {
    // A store id that is not the company's (RLS hides the others) fails the store's foreign key.
    if ((error as { constraint?: string }).constraint === 'promotion_tenant_id_store_id_fkey') {
      throw AppError.notFound('la sucursal');
    }
    throw error;
  });
  return rows[0] ? view(rows[0]) : null;
}

/** The store of a saved promotion (null: every store), or undefined when there is none with that id. */
export async function promotionStore(em: SqlExecutor, id: string): Promise<string | null | undefined> {
  const rows = await em.execute<{ storeId: string | null }[]>(
    'select store_id as "storeId" from promotion where id = ?',
    [id],
  );
  return rows[0]?.storeId;
}

/** Deletes a promotion; false when it is not there. Sales keep the names and pesos they took. */
export async function deletePromotion(em: SqlExecutor, id: string): Promise<boolean> {
  const rows = await em.execute<{ id: string }[]>('delete from promotion where id = ? returning id', [id]);
  return rows.length > 0;
}
