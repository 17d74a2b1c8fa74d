import type { SqlExecutor } from './sql-session.ts';

/**
 * A piece of SQL with `?` placeholders and its parameters, in order. Services hand their writes
 * to a caller as fragments when the caller sends several domains' writes in one statement
 * (the sale commit: its stock ledger and cash tally travel with the sale's own rows).
 */
export interface SqlFragment {
  sql: string;
  params: unknown[];
}

/** Runs data-modifying CTE bodies as one statement (`with w0 as (…), w1 as (…) select 1`). */
export async function executeCtes(em: SqlExecutor, ctes: readonly SqlFragment[]): Promise<void> {
  await em.execute(
    `with ${ctes.map((cte, i) => `w${i} as (${cte.sql})`).join(', ')} select 1`,
    ctes.flatMap((cte) => cte.params),
  );
}
