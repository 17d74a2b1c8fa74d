import { z } from 'zod';
import { ROLES, SCREENS } from '../roles.ts';
import { TenantSettings } from '../settings.ts';
import { command } from './define.ts';
import { PageRequest, pageOf } from './paging.ts';
import { Rut, Uuid } from './primitives.ts';

export const Email = z.string().trim().toLowerCase().email().max(200);

export const LoginRequest = z.object({ email: Email, password: z.string().min(1).max(200) });

export const MembershipView = z.object({
  tenantId: Uuid,
  tenantSlug: z.string(),
  tenantName: z.string(),
  role: z.enum(ROLES),
  storeId: Uuid.nullable(),
  storeName: z.string().nullable(),
});

export const LoginResponse = z.object({
  token: z.string(),
  expiresAt: z.string(),
  user: z.object({ id: Uuid, email: z.string(), name: z.string() }),
  memberships: z.array(MembershipView),
});

/** Sent in the Socket.IO handshake (`auth`). */
export const HandshakeAuth = z.object({
  token: z.string().min(1),
  storeId: Uuid.optional(),
  screen: z.enum(SCREENS).optional(),
});

export const SessionInfo = z.object({
  userId: Uuid,
  tenantId: Uuid,
  role: z.enum(ROLES),
  storeId: Uuid.nullable(),
  screen: z.enum(SCREENS).nullable(),
});

export const StoreView = z.object({
  id: Uuid,
  name: z.string(),
  address: z.string(),
  comuna: z.string(),
  siiBranchCode: z.number().int().nullable(),
  warehouses: z.array(z.object({ id: Uuid, code: z.string(), name: z.string() })),
  terminals: z.array(z.object({ id: Uuid, code: z.string(), name: z.string() })),
});

/** Required text, trimmed; `max` follows the SII's field lengths where the text goes into a DTE. */
const Text = (max: number) => z.string().trim().min(1).max(max);

/** A store created (no `id`, it gets a selling warehouse) or edited from the back office. */
export const StoreInput = z
  .object({
    id: Uuid.optional(),
    name: Text(60),
    address: Text(70),
    comuna: Text(20),
    /** CdgSIISucur: the code the SII gave the branch, when it has one. */
    siiBranchCode: z.number().int().min(1).max(999_999_999).nullable().default(null),
  })
  .strict();

export const SII_ENVIRONMENTS = ['certification', 'production'] as const;

/** The company as its DTEs name it (RznSoc, GiroEmis, Acteco, DirOrigen, CmnaOrigen), and its SII resolution. */
const CompanyFields = {
  razonSocial: Text(100),
  giro: Text(80),
  address: Text(70),
  comuna: Text(20),
  /** SII economic activity code (6 digits). */
  acteco: z.number().int().min(10_000).max(999_999),
  siiResolutionNumber: z.number().int().min(0).max(999_999),
  siiResolutionDate: z.iso.date(),
  siiEnvironment: z.enum(SII_ENVIRONMENTS),
};

export const TenantProfile = z.object({
  slug: z.string(),
  rut: z.string(),
  ...CompanyFields,
  settings: TenantSettings,
});

export const TenantProfileInput = z
  .object({ rut: Rut, ...CompanyFields, settings: TenantSettings.strict() })
  .strict();

export const TerminalView = z.object({ id: Uuid, storeId: Uuid, code: z.string(), name: z.string() });

/** A terminal created or renamed; an existing one keeps its store (its sessions and sales stay there). */
export const TerminalInput = z
  .object({
    id: Uuid.optional(),
    storeId: Uuid,
    code: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9-]{1,20}$/, 'Use letras, números y guiones (hasta 20)'),
    name: Text(40),
  })
  .strict();

/** One membership of a user in this tenant (a user may hold one per store). */
export const UserView = z.object({
  id: Uuid,
  membershipId: Uuid,
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  storeId: Uuid.nullable(),
  /** An inactive membership no longer opens this company (other companies of the user are untouched). */
  active: z.boolean(),
  /** The user has an approval PIN in this company (see ApprovalInput). */
  approvalPin: z.boolean(),
});

export const UserCreate = z
  .object({
    email: Email,
    name: z.string().trim().min(1).max(120),
    password: z.string().min(8).max(200),
    role: z.enum(ROLES),
    storeId: Uuid.nullable().default(null),
  })
  .strict();

export const UserListRequest = z
  .object({
    /** Name or email, any part. */
    query: z.string().trim().max(100).default(''),
    role: z.enum(ROLES).optional(),
    storeId: Uuid.optional(),
    includeInactive: z.boolean().default(false),
    ...PageRequest,
  })
  .strict();

/** An approval PIN as typed on a till's keypad: 6 to 12 digits. */
export const ApprovalPin = z.string().regex(/^\d{6,12}$/, 'El PIN tiene de 6 a 12 dígitos.');

/** One digit repeated (000000) or a run up or down (123456, 987654): the PINs tried first. */
export function guessablePin(pin: string): boolean {
  const steps = new Set([...pin].slice(1).map((digit, i) => Number(digit) - Number(pin[i])));
  return steps.size === 1 && [0, 1, -1].includes([...steps][0]!);
}

/** A PIN being chosen: also not a guessable one. */
export const NewApprovalPin = ApprovalPin.refine(
  (pin) => !guessablePin(pin),
  'Elija un PIN menos obvio: sin repetir un dígito ni seguir una serie como 123456.',
);

/**
 * A supervisor's authorization at someone else's till (a return): the supervisor picked from the
 * store's list (`approval:approvers`) or named by email, and their approval PIN. The PIN is not
 * the login password, which never travels from a till.
 */
export const ApprovalInput = z.union([
  z.object({ supervisorId: Uuid, pin: ApprovalPin }).strict(),
  z.object({ email: Email, pin: ApprovalPin }).strict(),
]);

/** Someone who may authorize at the socket's store and has a PIN to do it with. */
export const Approver = z.object({ userId: Uuid, name: z.string(), role: z.enum(ROLES) });

export const ApprovalPinStatus = z.object({ set: z.boolean(), setAt: z.string().nullable() });

export const tenancyCommands = {
  'session:info': command(z.object({}).strict(), SessionInfo),
  'store:list': command(z.object({}).strict(), z.array(StoreView)),
  'store:save': command(StoreInput, StoreView),
  'tenant:get': command(z.object({}).strict(), TenantProfile),
  'tenant:save': command(TenantProfileInput, TenantProfile),
  'terminal:list': command(
    z.object({ storeId: Uuid.optional(), ...PageRequest }).strict(),
    pageOf(TerminalView),
  ),
  'terminal:save': command(TerminalInput, TerminalView),
  'user:list': command(UserListRequest, pageOf(UserView)),
  'user:create': command(UserCreate, UserView),
  'user:update': command(
    z.object({ membershipId: Uuid, role: z.enum(ROLES), storeId: Uuid.nullable() }).strict(),
    UserView,
  ),
  'user:set-active': command(z.object({ membershipId: Uuid, active: z.boolean() }).strict(), UserView),
  /** Who may authorize at this socket's store (for the till's picker). */
  'approval:approvers': command(z.object({}).strict(), z.array(Approver)),
  /** Whether the signed-in user has an approval PIN in this company. */
  'approval:pin-status': command(z.object({}).strict(), ApprovalPinStatus),
  /** Sets the signed-in user's own approval PIN; their login password confirms it is them. */
  'approval:set-pin': command(
    z.object({ password: z.string().min(1).max(200), pin: NewApprovalPin }).strict(),
    ApprovalPinStatus,
  ),
  /** An admin or owner removes someone's approval PIN (a lost or shared one). */
  'approval:clear-pin': command(z.object({ userId: Uuid }).strict(), ApprovalPinStatus),
};

export const tenancyNotifications = {
  'user:created': UserView,
};
