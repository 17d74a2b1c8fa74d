/**
 * Contract between the server and a store's hardware hub (printers, cash drawer, scales), and
 * the hardware notifications the server pushes to POS, back office and wall screens.
 *
 * Delivery rules the schemas encode (docs/hardware-protocols.md#exactly-once-printing):
 * - `print:job` is re-sent by the server until the hub acks it; the hub de-duplicates by
 *   `jobId` and never prints a job twice by itself. A reprint is a new job with `isCopy`.
 * - `drawer:kick`, `scale:tare` and `scale:zero` carry `expiresAt` (server clock); the hub drops
 *   them when late and answers `EXPIRED_COMMAND`. They are never replayed.
 * - Weight is state: `scale:reading` carries a per-scale sequence number; only the latest counts.
 */
import { z } from 'zod';
import { DTE_TYPES } from '../dte/document.ts';
import { command } from './define.ts';
import { Pesos, QuantityOrZero, SignedPesos, Timestamp, Uuid } from './primitives.ts';

/** Ids of jobs and commands are chosen by the server (UUIDs); a device's id comes from the hub's configuration. */
const DeviceId = z
  .string()
  .min(1)
  .max(40)
  .regex(/^[a-z0-9-]+$/, 'Use letras minúsculas, números y guiones');
const Text = (max: number) => z.string().max(max);

// ─── Documents a hub prints ───────────────────────────────────────────────────────────────────

export const ReceiptIssuer = z.object({
  rut: z.string(),
  businessName: Text(100),
  activity: Text(80),
  address: Text(120),
  comuna: Text(40),
  /** SII regional office printed under the folio box, e.g. `S.I.I. - SANTIAGO CENTRO`. */
  siiOffice: Text(60),
  branch: Text(80).optional(),
});

export const ReceiptCustomer = z.object({
  rut: z.string(),
  name: Text(100).optional(),
  /** GiroRecep: a factura names the buyer's line of business. */
  activity: Text(80).optional(),
  address: Text(120).optional(),
  comuna: Text(40).optional(),
  /** A boleta above 135 UF names its buyer with e-mail and phone too (Ley 21.713). */
  email: Text(80).optional(),
  phone: Text(20).optional(),
});

export const ReceiptLine = z.object({
  description: Text(80),
  quantity: QuantityOrZero,
  /** `kg` lines print their quantity with 3 decimals (`0,750 kg`). */
  unit: z.enum(['un', 'kg']).default('un'),
  unitPrice: Pesos,
  discount: Pesos.default(0),
  /** What the discount was, printed after "Desc.": `10% dañado`. */
  discountLabel: Text(60).optional(),
  /** Line total after discount, as the tax document has it; the hub never computes money. */
  amount: Pesos,
});

/** A discount on the whole document (the ticket's), printed under the lines: `Descuento ticket …`. */
export const ReceiptDiscount = z.object({ label: Text(80), amount: Pesos });

export const ReceiptTotals = z.object({
  net: Pesos.optional(),
  exempt: Pesos.optional(),
  iva: Pesos.optional(),
  /** ImptoReten of a factura or nota (ILA, sugary drinks): one per code, as the document has them. */
  additionalTaxes: z
    .array(z.object({ code: z.number().int().positive(), rate: Text(8), amount: Pesos }))
    .max(20)
    .default([]),
  total: Pesos,
  /** Cash rounding (Ley 20.956), e.g. -3 when a $1.993 cash sale is charged $1.990. */
  cashRounding: SignedPesos.optional(),
});

/**
 * `card`: debit and credit together; the POS does not ask which, so the paper says only
 * «Tarjeta» (and a cash session tallies card payments as one figure).
 */
export const RECEIPT_PAYMENT_METHODS = [
  'cash',
  'card',
  'debit',
  'credit',
  'transfer',
  'voucher',
  'fiado',
  'other',
] as const;

export const ReceiptPayment = z.object({
  method: z.enum(RECEIPT_PAYMENT_METHODS),
  amount: Pesos,
});

/** The timbre: the flattened `<TED>…</TED>` exactly as signed, printed as PDF417 (ISO-8859-1 bytes). */
export const ReceiptTimbre = z.object({
  ted: z
    .string()
    .min(1)
    .max(4000)
    .refine((ted) => [...ted].every((ch) => ch.charCodeAt(0) <= 0xff), 'El TED debe ser ISO-8859-1'),
  resolutionNumber: z.number().int().nonnegative(),
  resolutionYear: z.number().int().min(2000).max(2100),
});

const TaxDocumentBase = z.object({
  documentType: z.literal(DTE_TYPES),
  folio: z.number().int().positive(),
  issuedAt: Timestamp,
  issuer: ReceiptIssuer,
  customer: ReceiptCustomer.optional(),
  terminal: Text(40).optional(),
  cashier: Text(60).optional(),
  lines: z.array(ReceiptLine).min(1).max(1000),
  discounts: z.array(ReceiptDiscount).max(20).default([]),
  totals: ReceiptTotals,
  timbre: ReceiptTimbre,
  footer: z.array(Text(200)).max(10).default([]),
});

export const BoletaDocument = TaxDocumentBase.extend({
  kind: z.literal('boleta'),
  documentType: z.literal([39, 41]),
  payments: z.array(ReceiptPayment).default([]),
  change: Pesos.default(0),
});

/**
 * A factura (33, or 34 exenta) handed over at the counter: the buyer's copy and, when `cedible`,
 * a second copy marked CEDIBLE with the acuse de recibo (Ley 19.983) for the buyer to sign.
 */
export const FacturaDocument = TaxDocumentBase.extend({
  kind: z.literal('factura'),
  documentType: z.literal([33, 34]),
  payments: z.array(ReceiptPayment).default([]),
  change: Pesos.default(0),
  cedible: z.boolean().default(true),
});

export const CreditNoteDocument = TaxDocumentBase.extend({
  kind: z.literal('credit_note'),
  documentType: z.literal(61),
  reference: z.object({
    documentType: z.literal(DTE_TYPES),
    folio: z.number().int().positive(),
    date: z.string().date(),
    reason: Text(90),
  }),
});

export const CashCloseSalesLine = z.object({
  method: z.enum(RECEIPT_PAYMENT_METHODS),
  /** Absent when only the amount is known (a session's running totals). */
  count: z.number().int().nonnegative().optional(),
  amount: SignedPesos,
});

export const CashCloseDocument = z.object({
  kind: z.literal('cash_close'),
  /** X: mid-shift reading, the session stays open. Z: final close. */
  report: z.enum(['X', 'Z']),
  reportNumber: z.number().int().positive().optional(),
  storeName: Text(80),
  terminal: Text(40),
  cashier: Text(60),
  openedAt: Timestamp,
  closedAt: Timestamp,
  openingFloat: Pesos,
  salesCount: z.number().int().nonnegative(),
  salesByMethod: z.array(CashCloseSalesLine),
  cashIn: Pesos.default(0),
  cashOut: Pesos.default(0),
  /** Absent on a cashier's blind close: the count is printed, never what it should have been. */
  expectedCash: SignedPesos.optional(),
  countedCash: SignedPesos.optional(),
  documents: z
    .array(
      z.object({
        documentType: z.literal(DTE_TYPES),
        count: z.number().int().nonnegative(),
        firstFolio: z.number().int().positive().optional(),
        lastFolio: z.number().int().positive().optional(),
        total: SignedPesos,
      }),
    )
    .default([]),
});

/** The voucher of an abono to a customer account (fiado): not a tax document, no folio. */
export const AccountPaymentDocument = z.object({
  kind: z.literal('account_payment'),
  issuedAt: Timestamp,
  issuer: ReceiptIssuer.pick({ rut: true, businessName: true, address: true, comuna: true }),
  customer: z.object({ name: Text(100), rut: z.string().optional() }),
  method: z.enum(RECEIPT_PAYMENT_METHODS),
  amount: Pesos,
  /** What the customer still owes after the abono. */
  balance: SignedPesos,
  terminal: Text(40).optional(),
  cashier: Text(60).optional(),
});

/** The printer's self-test page: configuration, code page check, a sample PDF417. */
export const TestPageDocument = z.object({ kind: z.literal('test_page') });

export const PrintDocument = z.discriminatedUnion('kind', [
  BoletaDocument,
  FacturaDocument,
  CreditNoteDocument,
  CashCloseDocument,
  AccountPaymentDocument,
  TestPageDocument,
]);
export type PrintDocument = z.output<typeof PrintDocument>;

// ─── Server → hub requests ────────────────────────────────────────────────────────────────────

export const PrintJob = z.object({
  jobId: Uuid,
  /** Printer id from the hub's configuration; the hub's default printer when absent. */
  printerId: DeviceId.optional(),
  document: PrintDocument,
  /** A reprint: prints "COPIA" and refers to the original job. */
  isCopy: z.boolean().default(false),
  reprintOf: Uuid.optional(),
  /** A receipt not printed by then is never printed by surprise later (state `expired`). */
  expiresAt: Timestamp.optional(),
});
export type PrintJob = z.output<typeof PrintJob>;

/**
 * received → sending → done, or uncertain when the hub or the connection died while sending
 * (never reprinted automatically: the cashier decides). `expired`: never sent, too late.
 */
export const PRINT_JOB_STATES = ['received', 'sending', 'done', 'uncertain', 'expired'] as const;
export type PrintJobState = (typeof PRINT_JOB_STATES)[number];

export const PrintJobReport = z.object({
  jobId: Uuid,
  printerId: DeviceId,
  state: z.enum(PRINT_JOB_STATES),
  /** true when the hub already had this job: nothing was printed because of this delivery. */
  duplicate: z.boolean().default(false),
  at: Timestamp,
});
export type PrintJobReport = z.output<typeof PrintJobReport>;

/** A job in the server's spool: `pending` until its hub acknowledges it, then the hub's states. */
export const SPOOL_JOB_STATES = ['pending', ...PRINT_JOB_STATES] as const;
export type SpoolJobState = (typeof SPOOL_JOB_STATES)[number];

/** One print job as a POS lists it: which document, how far it got, and whether a cashier settled it. */
export const PrintJobView = z.object({
  jobId: Uuid,
  saleId: Uuid,
  terminalId: Uuid.nullable(),
  documentType: z.number().int().nullable(),
  folio: z.number().int().nullable(),
  isCopy: z.boolean(),
  state: z.enum(SPOOL_JOB_STATES),
  printerId: z.string().nullable(),
  createdAt: Timestamp,
  /** Not printed by then: the job expires and is only printed again as a copy the cashier asks for. */
  expiresAt: Timestamp,
  /** When a cashier settled an uncertain or expired job: reprinted it, or confirmed it had printed. */
  resolvedAt: Timestamp.nullable(),
});
export type PrintJobView = z.output<typeof PrintJobView>;

/** A short-lived command: executed only before `expiresAt`, never queued or replayed. */
const ExpiringCommand = z.object({ commandId: Uuid, expiresAt: Timestamp });

export const DrawerKick = ExpiringCommand.extend({
  printerId: DeviceId.optional(),
  /** Why the drawer opens; `no_sale` opens are shown to the supervisor. */
  reason: z.enum(['sale', 'no_sale', 'cash_count']).default('sale'),
});

export const ScaleCommand = ExpiringCommand.extend({ scaleId: DeviceId.optional() });

/** Starts (or extends) reading a scale for `durationMs`; the server renews it while a weighing screen is open. */
export const ScaleWatch = z.object({
  scaleId: DeviceId.optional(),
  durationMs: z.number().int().min(1000).max(120_000),
});

export const HardwareCommandDone = z.object({ commandId: Uuid, executedAt: Timestamp });

// ─── Hub → server reports ─────────────────────────────────────────────────────────────────────

export const PRINTER_STATES = [
  'ready',
  'paper_out',
  'cover_open',
  'offline',
  'error',
  'unknown',
  'disconnected',
] as const;
export type PrinterState = (typeof PRINTER_STATES)[number];

/** What the POS shows for each printer state. */
export const PRINTER_STATE_MESSAGES: Readonly<Record<PrinterState, string>> = {
  ready: 'Impresora lista.',
  paper_out: 'La impresora no tiene papel.',
  cover_open: 'La tapa de la impresora está abierta.',
  offline: 'La impresora está fuera de línea.',
  error: 'La impresora tiene un error (revise el cortador o la temperatura).',
  unknown: 'La impresora no informa su estado.',
  disconnected: 'No se puede conectar con la impresora.',
};

export const PrinterStatus = z.object({
  printerId: DeviceId,
  /** `unknown`: the printer did not answer the status query (no answer is not OK). */
  state: z.enum(PRINTER_STATES),
  paperNearEnd: z.boolean(),
  /** Jobs received and waiting for the printer. */
  pendingJobs: z.number().int().nonnegative(),
  at: Timestamp,
});
export type PrinterStatus = z.output<typeof PrinterStatus>;

export const WEIGHT_UNITS = ['kg', 'g', 'lb'] as const;

export const ScaleReading = z.object({
  scaleId: DeviceId,
  /** Increases with every reading of this scale; older readings are stale. */
  seq: z.number().int().nonnegative(),
  /** Signed decimal text in `unit` (`'1.234'`, `'-0.120'`); null when the scale gave no weight. */
  weight: z
    .string()
    .regex(/^-?\d+(\.\d+)?$/)
    .nullable(),
  unit: z.enum(WEIGHT_UNITS),
  stable: z.boolean(),
  net: z.boolean(),
  overload: z.boolean(),
  underZero: z.boolean(),
  /** false when no valid frame arrived recently (scale off or unplugged). */
  connected: z.boolean(),
  at: Timestamp,
});
export type ScaleReading = z.output<typeof ScaleReading>;

export const HubAnnounce = z.object({
  hubVersion: z.string(),
  printers: z.array(
    z.object({
      printerId: DeviceId,
      name: Text(60),
      connection: z.enum(['serial', 'tcp', 'virtual']),
      paperWidthMm: z.literal([58, 80]),
      pdf417: z.enum(['native', 'raster']),
    }),
  ),
  scales: z.array(z.object({ scaleId: DeviceId, name: Text(60), protocol: z.string() })),
});

const Received = z.object({});

/** Hub → server; answered through the ack with `Result<T>`. */
export const hardwareCommands = {
  'hub:announce': command(HubAnnounce, Received),
  'printer:status': command(PrinterStatus, Received),
  'scale:reading': command(ScaleReading, Received),
  'print:state': command(PrintJobReport, Received),
};

/** Server → hub; the hub answers through the ack. */
export const hardwareRequests = {
  'print:job': command(PrintJob, PrintJobReport),
  'drawer:kick': command(DrawerKick, HardwareCommandDone),
  'scale:tare': command(ScaleCommand, HardwareCommandDone),
  'scale:zero': command(ScaleCommand, HardwareCommandDone),
  'scale:watch': command(ScaleWatch, ScaleReading.nullable()),
};

// ─── Screens → server: hub credentials, print jobs, drawer, scale ─────────────────────────────

export const HubCredentialCreate = z
  .object({
    storeId: Uuid,
    name: z.string().trim().min(1).max(60),
  })
  .strict();

/** Shown once when issued: only its hash is stored, so a lost token means a new credential. */
export const HubCredential = z.object({
  deviceId: Uuid,
  storeId: Uuid,
  name: z.string(),
  token: z.string(),
  createdAt: Timestamp,
  /** After this the hub is refused: renew the credential before. */
  expiresAt: Timestamp,
});

export const HubDeviceView = z.object({
  deviceId: Uuid,
  storeId: Uuid,
  name: z.string(),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  revokedAt: Timestamp.nullable(),
  /** The credential that renewed this one; this one is revoked once a hub connects with it. */
  replacedBy: Uuid.nullable(),
  online: z.boolean(),
  /** What the hub announced on its last connection; null while offline. */
  announce: HubAnnounce.nullable(),
  printers: z.array(PrinterStatus),
});

/** A copy of a sale's receipt ("COPIA"): folio and timbre unchanged, logged in the audit log. */
export const PrintReprint = z.object({ saleId: Uuid, terminalId: Uuid.optional() }).strict();

/**
 * Opens the terminal's cash drawer. `sale` names the sale (`saleId`): the terminal's own cash
 * sale by this cashier, within a minute of it, and once per sale (a second one is CONFLICT,
 * even if the first never reached the drawer); the server audits it before the kick. Any other
 * opening is audited and shown to the supervisor.
 */
export const DrawerOpen = z
  .object({
    terminalId: Uuid,
    reason: z.enum(['sale', 'no_sale', 'cash_count']),
    saleId: Uuid.optional(),
  })
  .strict()
  .refine((open) => (open.reason === 'sale') === (open.saleId !== undefined), {
    message: 'Indique la venta solo al abrir el cajón por una venta.',
    path: ['saleId'],
  });

/** A tare or zero from the weighing screen; the server gives it a short deadline. */
export const ScaleControl = z.object({ scaleId: DeviceId.optional() }).strict();

/** What a POS shows about printing: is the hub there, its printers' status, this terminal's jobs. */
export const PrintOverview = z.object({
  hubOnline: z.boolean(),
  printers: z.array(PrinterStatus),
  /** Jobs still on their way, and uncertain or expired ones no cashier has settled yet. */
  jobs: z.array(PrintJobView),
});

/** Commands of people's screens about the store's hardware (the hub's own commands are above). */
export const hardwareScreenCommands = {
  'hub:create-credential': command(HubCredentialCreate, HubCredential),
  /** A new token for the same hub; the old one works until a hub connects with the new one. */
  'hub:renew': command(z.object({ deviceId: Uuid }).strict(), HubCredential),
  'hub:revoke': command(
    z.object({ deviceId: Uuid }).strict(),
    z.object({ deviceId: Uuid, revokedAt: Timestamp }),
  ),
  'hub:list': command(
    z.object({ storeId: Uuid.optional() }).strict(),
    z.object({ devices: z.array(HubDeviceView) }),
  ),
  'print:reprint': command(PrintReprint, z.object({ jobId: Uuid, reprintOf: Uuid })),
  'drawer:open': command(DrawerOpen, HardwareCommandDone),
  'print:overview': command(z.object({ terminalId: Uuid }).strict(), PrintOverview),
  /** The cashier checked the paper: the uncertain (or expired) job needs no copy. */
  'print:dismiss': command(z.object({ jobId: Uuid }).strict(), PrintJobView),
  'scale:tare': command(ScaleControl, HardwareCommandDone),
  'scale:zero': command(ScaleControl, HardwareCommandDone),
  /** Weight readings then go to this socket only, until `durationMs` passes without renewal. */
  'scale:watch': command(ScaleWatch, ScaleReading.nullable()),
};

const InStore = z.object({ storeId: Uuid });

/**
 * Server → POS / back office / wall. `scale:reading` goes only to the terminal that asked;
 * `print:state` to the store's POS screens, each showing the jobs of its own terminal.
 */
export const hardwareNotifications = {
  'hub:status': InStore.extend({ online: z.boolean(), since: Timestamp }),
  'printer:status': InStore.extend(PrinterStatus.shape),
  'scale:reading': InStore.extend(ScaleReading.shape),
  'print:state': InStore.extend(PrintJobView.shape).extend({
    /** The hub already had the job: this delivery printed nothing. */
    duplicate: z.boolean(),
    at: Timestamp,
  }),
};
