/**
 * The company's own SMTP server, through which its documents reach their buyers: each company
 * sends from its own address and server, never through another's. Edited in the back office;
 * the password is sealed at rest like the CAF keys and the certificate (platform/secrets.ts)
 * and never read back.
 */
import { randomUUID } from 'node:crypto';
import type { MailSettingsInput, MailSettingsView } from '@erp/shared';
import type { z } from 'zod';
import type { SecretBox } from '../platform/secrets.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
import { type SmtpRow, smtpRow, upsertSmtp } from './mail-settings.queries.ts';

type View = z.output<typeof MailSettingsView>;

/** What nodemailer needs to reach the company's server, the password opened. */
export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string | null;
  password: string | null;
  fromAddress: string;
}

function toView(row: SmtpRow): View {
  return {
    host: row.host,
    port: row.port,
    secure: row.secure,
    user: row.username,
    hasPassword: row.password_sealed !== null,
    fromAddress: row.from_address,
  };
}

export async function mailSettings(em: SqlExecutor): Promise<View | null> {
  const row = await smtpRow(em);
  return row ? toView(row) : null;
}

export async function saveMailSettings(
  em: SqlExecutor,
  box: SecretBox,
  tenantId: string,
  input: z.output<typeof MailSettingsInput>,
): Promise<View> {
  const current = await smtpRow(em);
  const password =
    input.password === undefined
      ? (current?.password_sealed ?? null)
      : input.password === null || input.password === ''
        ? null
        : box.seal(input.password, tenantId);
  const row: SmtpRow = {
    id: current?.id ?? randomUUID(),
    host: input.host,
    port: input.port,
    secure: input.secure,
    username: input.user || null,
    password_sealed: password,
    from_address: input.fromAddress,
  };
  await upsertSmtp(em, row);
  return toView(row);
}

/** The tenant's SMTP server with its password opened, or null when none is configured. */
export async function smtpSettings(
  em: SqlExecutor,
  box: SecretBox,
  tenantId: string,
): Promise<SmtpSettings | null> {
  const row = await smtpRow(em);
  if (!row) return null;
  return {
    host: row.host,
    port: row.port,
    secure: row.secure,
    user: row.username,
    password: row.password_sealed ? box.open(row.password_sealed, tenantId).toString('utf8') : null,
    fromAddress: row.from_address,
  };
}
