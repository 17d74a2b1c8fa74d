import { z } from 'zod';
import { ROLES, SCREENS } from '../roles.ts';
import { command } from './define.ts';

export const Uuid = z.string().uuid();
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

export const UserView = z.object({
  id: Uuid,
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
  storeId: Uuid.nullable(),
});

export const UserCreate = z.object({
  email: Email,
  name: z.string().trim().min(1).max(120),
  password: z.string().min(8).max(200),
  role: z.enum(ROLES),
  storeId: Uuid.nullable().default(null),
});

export const tenancyCommands = {
  'session:info': command(z.object({}).strict(), SessionInfo),
  'store:list': command(z.object({}).strict(), z.array(StoreView)),
  'user:list': command(z.object({}).strict(), z.array(UserView)),
  'user:create': command(UserCreate, UserView),
};

export const tenancyNotifications = {
  'user:created': UserView,
};
