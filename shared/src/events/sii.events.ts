import { z } from 'zod';
import { command } from './define.ts';
import { PageRequest, pageOf } from './paging.ts';
import { Uuid } from './primitives.ts';

const IsoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

/**
 * Life of an electronic document: stamped (sale committed, TED made) → signed → in_envelope →
 * uploaded (the SII gave a track id) → accepted | objected (accepted with objections) | rejected;
 * `failed` when it cannot reach the SII at all (invalid document, no certificate). A folio of a
 * rejected or failed document is never reused.
 */
export const DTE_STATES = [
  'stamped',
  'signed',
  'in_envelope',
  'uploaded',
  'accepted',
  'objected',
  'rejected',
  'failed',
] as const;
export const DteState = z.enum(DTE_STATES);
export type DteState = z.infer<typeof DteState>;

export const DteStatusChange = z.object({
  documentId: Uuid,
  saleId: Uuid,
  docType: z.number().int(),
  folio: z.number().int(),
  state: DteState,
  /** The SII's last answer (code and reason) or why the step failed. */
  detail: z.string().nullable(),
  trackId: z.string().nullable(),
  at: z.string(),
});
export type DteStatusChange = z.infer<typeof DteStatusChange>;

/**
 * A document e-mailed to its buyer (XML EnvioDTE + PDF): `pending` while the worker tries,
 * `sent` once the company's SMTP server took it, `failed` after the retries (the back office may
 * send it again).
 */
export const DTE_MAIL_STATES = ['pending', 'sent', 'failed'] as const;
export const DteMailView = z.object({
  address: z.string(),
  state: z.enum(DTE_MAIL_STATES),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  sentAt: z.string().nullable(),
});

export const DteView = z.object({
  id: Uuid,
  saleId: Uuid,
  docType: z.number().int(),
  folio: z.number().int(),
  issuedAt: z.string(),
  total: z.number().int(),
  state: DteState,
  trackId: z.string().nullable(),
  /** Last SII answer (code: reason). */
  siiDetail: z.string().nullable(),
  updatedAt: z.string(),
  /** Issued offline by a store node: when the node synchronised it to the central server. */
  offlineSyncedAt: z.string().nullable(),
  /** When its envelope was uploaded to the SII; null until then. */
  sentAt: z.string().nullable(),
  /** The document's e-mails to its buyer (facturas and notas with an e-mail address). */
  mails: z.array(DteMailView).default([]),
});

/**
 * The company's SMTP server for e-mailing documents. The password is write-only: the view says
 * whether one is stored, never what it is.
 */
export const MailSettingsView = z.object({
  host: z.string(),
  port: z.number().int(),
  /** TLS from the first byte (port 465); otherwise STARTTLS when the server offers it. */
  secure: z.boolean(),
  user: z.string().nullable(),
  hasPassword: z.boolean(),
  fromAddress: z.string(),
});

export const MailSettingsInput = z
  .object({
    host: z
      .string()
      .trim()
      .min(1)
      .max(255)
      .regex(/^[A-Za-z0-9.:[\]-]+$/, 'Servidor no válido: solo el nombre o la dirección, sin protocolo.'),
    port: z.number().int().min(1).max(65_535),
    secure: z.boolean(),
    user: z.string().trim().max(200).nullable(),
    /** Absent keeps the stored password; null removes it. */
    password: z.string().max(500).nullable().optional(),
    fromAddress: z.string().trim().toLowerCase().email('Correo remitente no válido').max(254),
  })
  .strict();

export const DteListQuery = z
  .object({
    states: z.array(DteState).max(8).optional(),
    docType: z.number().int().positive().optional(),
    folio: z.number().int().positive().optional(),
    from: IsoDate.optional(),
    to: IsoDate.optional(),
    ...PageRequest,
  })
  .strict();

export const DteEventView = z.object({
  state: DteState,
  detail: z.string().nullable(),
  rawResponse: z.string().nullable(),
  at: z.string(),
});

export const CafView = z.object({
  id: Uuid,
  docType: z.number().int(),
  from: z.number().int(),
  to: z.number().int(),
  nextFolio: z.number().int(),
  remaining: z.number().int(),
  authorizedOn: z.string(),
  expiresOn: z.string().nullable(),
});

export const CertificateView = z.object({
  id: Uuid,
  holderName: z.string(),
  holderRut: z.string().nullable(),
  validTo: z.string(),
  uploadedAt: z.string(),
  daysLeft: z.number().int(),
  /** Expires within 30 days: the back office shows a warning. */
  expiringSoon: z.boolean(),
});

/**
 * A document type's folios left (CAFs in force) and whether its low-folio alert stands: the state
 * the server recorded at the last crossing or check, which screens show on load.
 */
export const FolioState = z.object({
  docType: z.number().int(),
  remaining: z.number().int().nonnegative(),
  low: z.boolean(),
});

export const siiCommands = {
  /** Newest first, one page and the total (the back office's paging idiom). */
  'dte:list': command(DteListQuery, pageOf(DteView)),
  'dte:history': command(
    z.object({ documentId: Uuid }).strict(),
    z.object({ events: z.array(DteEventView) }),
  ),
  /** Re-queues a document whose signing or upload failed; answers its current state. */
  'dte:retry': command(z.object({ documentId: Uuid }).strict(), z.object({ state: DteState })),
  /** A CAF file as text (the SII's XML, ISO-8859-1 read as latin1). */
  'caf:upload': command(
    z.object({ xml: z.string().min(1).max(64_000) }).strict(),
    z.object({ id: Uuid, docType: z.number().int(), from: z.number().int(), to: z.number().int() }),
  ),
  'caf:list': command(
    z.object({}).strict(),
    /** The tenant's low-folio threshold (folios of a type under it are warned), and each type's state. */
    z.object({
      cafs: z.array(CafView),
      lowFolioThreshold: z.number().int().min(0),
      folios: z.array(FolioState),
    }),
  ),
  /** The `.pfx` in base64 and its password (stored sealed; the password is never returned). */
  'certificate:upload': command(
    z.object({ pfxBase64: z.string().min(1).max(200_000), password: z.string().max(200) }).strict(),
    CertificateView,
  ),
  'certificate:get': command(z.object({}).strict(), z.object({ certificate: CertificateView.nullable() })),
  /** Sends a document's failed e-mails again (a new attempt, with its retries). */
  'dte:resend-mail': command(
    z.object({ documentId: Uuid }).strict(),
    z.object({ mails: z.array(DteMailView) }),
  ),
  'mail:settings': command(z.object({}).strict(), z.object({ settings: MailSettingsView.nullable() })),
  'mail:save-settings': command(MailSettingsInput, MailSettingsView),
};

export const siiNotifications = {
  /** Pushed to the tenant's back office room whenever documents change state. */
  'dte:status': z.object({ changes: z.array(DteStatusChange) }),
  /** Pushed to the back office room when a document's e-mail to its buyer is sent or fails. */
  'dte:mail': z.object({ documentId: Uuid, mails: z.array(DteMailView) }),
};
