/**
 * SQL of the outbox relay. It runs as the worker role on a plain `pg` pool (`$n` placeholders),
 * outside any tenant: the SECURITY DEFINER functions it calls pick the rows of every tenant, or
 * of the tenants listed (a Postgres array literal, null for all).
 */
import type pg from 'pg';
import type { SignDocument } from './sii.queues.ts';

/** The channel the outbox trigger notifies on insert. */
export const LISTEN_OUTBOX = 'listen outbox';

export interface OutboxRow {
  id: string;
  tenant_id: string;
  key: string;
  payload: Omit<SignDocument, 'outboxId'>;
}

/** Claims up to `batch` unprocessed rows of a topic (`for update skip locked`, in the caller's transaction). */
export async function claimOutbox(
  client: pg.ClientBase,
  topic: string,
  batch: number,
  tenants: string | null,
): Promise<OutboxRow[]> {
  const { rows } = await client.query<OutboxRow>('select * from outbox_claim($1, $2, $3)', [
    topic,
    batch,
    tenants,
  ]);
  return rows;
}

export async function markOutboxProcessed(client: pg.ClientBase, ids: readonly string[]): Promise<void> {
  await client.query('select outbox_mark_processed($1)', [ids]);
}

/** A step of the SII pipeline a queue should hold: `what` says which, `ref` what it is about. */
export interface SiiWorkRow {
  tenant_id: string;
  what: string;
  ref: string;
}

/**
 * Work to queue again: on recovery everything the queues may have lost, otherwise only what
 * has been left unfinished for a while.
 */
export async function siiWork(
  pool: pg.Pool,
  recovering: boolean,
  tenants: string | null,
): Promise<SiiWorkRow[]> {
  const { rows } = await pool.query<SiiWorkRow>(
    recovering
      ? 'select * from sii_lost_work($1)'
      : `select * from sii_unfinished_work(interval '10 seconds', $1)`,
    [tenants],
  );
  return rows;
}

/** On recovery: the relayed outbox rows of mails still pending become pending again; how many. */
export async function lostMails(pool: pg.Pool, tenants: string | null): Promise<number> {
  const { rows } = await pool.query<{ n: number }>('select dte_mail_lost($1) as n', [tenants]);
  return rows[0]?.n ?? 0;
}
