/** SQL of the company's SMTP server (`tenant_smtp`, one row per tenant; the password sealed). */
import type { SqlExecutor } from '../platform/sql-session.ts';

export interface SmtpRow {
  id: string;
  host: string;
  port: number;
  secure: boolean;
  username: string | null;
  password_sealed: string | null;
  from_address: string;
}

export async function smtpRow(em: SqlExecutor): Promise<SmtpRow | null> {
  const [row] = await em.execute<SmtpRow[]>(
    'select id, host, port, secure, username, password_sealed, from_address from tenant_smtp',
    [],
  );
  return row ?? null;
}

/** Creates or replaces the tenant's one SMTP row; `password_sealed` as given (the caller keeps or clears it). */
export async function upsertSmtp(em: SqlExecutor, row: SmtpRow): Promise<void> {
  await em.execute(
    `insert into tenant_smtp (id, tenant_id, host, port, secure, username, password_sealed, from_address)
     values (?, current_tenant_id(), ?, ?, ?, ?, ?, ?)
     on conflict (tenant_id) do update set host = excluded.host, port = excluded.port,
       secure = excluded.secure, username = excluded.username, password_sealed = excluded.password_sealed,
       from_address = excluded.from_address, updated_at = now()`,
    [row.id, row.host, row.port, row.secure, row.username, row.password_sealed, row.from_address],
  );
}
