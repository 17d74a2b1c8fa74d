import type { ApprovalInput, ApprovalPinStatus, Approver, Role } from '@erp/shared';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import type { z } from 'zod';
import { type AuditInput, recordAudit } from '../audit/index.ts';
import { AppError } from '../platform/app-error.ts';
import { withTenant } from '../platform/orm.ts';
import type { RedisClient } from '../platform/redis.ts';
import { PendingEvents } from '../realtime/pending-events.ts';
import type { AppNamespace, AppSocket } from '../realtime/types.ts';
import {
  approverCandidate,
  deletePin,
  memberForPin,
  ownLogin,
  pinStatus,
  saveOwnPin,
  storeApprovers,
} from './approvals.queries.ts';
import { hashPassword, verifyPassword } from './password.ts';

type PinStatus = z.output<typeof ApprovalPinStatus>;

/** Wrong secrets a user may give in one company before their PIN locks there… */
export const APPROVAL_MAX_FAILURES = 5;
/** …within this long of the first; the lock then lasts this long from the last. */
const APPROVAL_LOCK_SECONDS = 15 * 60;

/** Who acts through a socket, and where their audit entries are announced once written. */
export interface ApprovalActor {
  tenantId: string;
  userId: string;
  role: Role;
  storeId: string | null;
  nsp: AppNamespace;
}

export const approvalActor = (socket: AppSocket): ApprovalActor => ({
  tenantId: socket.data.tenantId,
  userId: socket.data.userId,
  role: socket.data.role,
  storeId: socket.data.storeId,
  nsp: socket.nsp,
});

/** What is being approved, and where. */
export interface ApprovalScope {
  /** The approver must be tenant-wide or bound to this store. */
  storeId: string;
  terminalId: string | null;
  action: 'return' | 'discount' | 'fiado';
}

const tries = (n: number) => (n === 1 ? 'Queda 1 intento' : `Quedan ${n} intentos`);

/**
 * Supervisor approvals at someone else's till. The supervisor types an approval PIN of their own
 * (never their login password) on the till, and it is checked here: a member of this company who
 * is an active owner, admin or supervisor, bound to the action's store or to none, whose PIN is
 * right. Wrong PINs are counted per company and supervisor, never per address (behind a proxy
 * every till shares one): the fifth within 15 minutes locks that supervisor's PIN in that company
 * for 15 minutes, and nobody else's. Each wrong PIN is audited.
 *
 * A supervisor (or admin, owner) selling at a till may approve their own return with their own
 * PIN: the PIN proves the supervisor is at the till, which is what the approval asks, and the
 * return's audit entry names both the seller and the approver. A cashier never approves: only
 * the roles above do.
 */
export class ApprovalService {
  private readonly orm: MikroORM;
  private readonly redis: RedisClient;
  private readonly redisPrefix: string;

  constructor(orm: MikroORM, redis: RedisClient, settings: { redisPrefix: string }) {
    this.orm = orm;
    this.redis = redis;
    this.redisPrefix = settings.redisPrefix;
  }

  /** Returns who approves (with the role they approve with here), or throws why the approval is refused. */
  async verify(
    actor: ApprovalActor,
    approval: z.output<typeof ApprovalInput>,
    scope: ApprovalScope,
  ): Promise<z.output<typeof Approver>> {
    const who = 'supervisorId' in approval ? { userId: approval.supervisorId } : { email: approval.email };
    const candidate = await withTenant(this.orm, actor.tenantId, (em) =>
      approverCandidate(em, who, scope.storeId),
    );
    // Not a member of this company (another company's supervisor, an unknown email).
    if (!candidate) throw new AppError('APPROVAL_INVALID');
    if (!candidate.approves) {
      throw AppError.forbidden(
        'Solo un supervisor, administrador o dueño activo de esta empresa puede autorizar.',
      );
    }
    if (!candidate.approvesHere) {
      throw AppError.forbidden(
        `${candidate.name} es supervisor de otra sucursal: no puede autorizar en esta.`,
      );
    }
    if (!candidate.pinHash) {
      throw new AppError(
        'APPROVAL_INVALID',
        `${candidate.name} no tiene PIN de autorización. Puede crearlo con «PIN de autorización», en la barra superior de cualquier pantalla.`,
      );
    }
    const left = await this.check(actor.tenantId, candidate, candidate.pinHash, approval.pin);
    if (left === null) return { userId: candidate.id, name: candidate.name, role: candidate.role! };
    await this.auditRefusal(actor, scope.terminalId, {
      action: scope.action,
      supervisorId: candidate.id,
      supervisor: candidate.name,
      attemptsLeft: left,
    });
    if (left === 0) throw await this.locked(actor.tenantId, candidate);
    throw new AppError(
      'APPROVAL_INVALID',
      `PIN incorrecto. ${tries(left)} antes de bloquear el PIN de ${candidate.name}.`,
    );
  }

  /**
   * Sets the actor's own PIN. Their login password confirms it is them and not someone at their
   * open session; wrong passwords count against the same allowance as wrong PINs.
   */
  async setPin(actor: ApprovalActor, input: { password: string; pin: string }): Promise<PinStatus> {
    if (input.pin === input.password) {
      throw AppError.validation(undefined, 'El PIN no puede ser su contraseña: elija otro.');
    }
    const login = await withTenant(this.orm, actor.tenantId, (em) => ownLogin(em, actor.userId));
    if (!login) throw new AppError('UNAUTHENTICATED');
    const user = { id: actor.userId, name: login.name };
    const left = await this.check(actor.tenantId, user, login.passwordHash, input.password);
    if (left !== null) {
      await this.auditRefusal(actor, null, {
        action: 'set_pin',
        supervisorId: user.id,
        supervisor: user.name,
        attemptsLeft: left,
      });
      if (left === 0) throw await this.locked(actor.tenantId, user);
      throw new AppError('INVALID_CREDENTIALS', `Contraseña incorrecta. ${tries(left)}.`);
    }
    const pinHash = await hashPassword(input.pin);
    return this.audited(actor, async (em, events) => {
      const before = await pinStatus(em, actor.userId);
      await saveOwnPin(em, actor.userId, pinHash);
      await recordAudit(em, actor, null, [pinChange(actor.userId, login.email, before.set, 'set')], events);
      return pinStatus(em, actor.userId);
    });
  }

  /**
   * An admin or owner removes someone's PIN in this company (lost, or known to others) and its
   * lock, so its owner can set a new one at once. An owner's PIN is an owner's to clear.
   */
  async clearPin(actor: ApprovalActor, userId: string): Promise<PinStatus> {
    const status = await this.audited(actor, async (em, events) => {
      const member = await memberForPin(em, userId);
      if (!member) throw AppError.notFound('el usuario');
      if (member.owner && actor.role !== 'owner') {
        throw AppError.forbidden('Solo un dueño puede quitar el PIN de un dueño.');
      }
      if (await deletePin(em, userId)) {
        await recordAudit(em, actor, null, [pinChange(userId, member.email, true, 'cleared')], events);
      }
      return { set: false, setAt: null };
    });
    await this.redis.del(this.failuresKey(actor.tenantId, userId));
    return status;
  }

  pinStatus(actor: ApprovalActor): Promise<PinStatus> {
    return withTenant(this.orm, actor.tenantId, (em) => pinStatus(em, actor.userId));
  }

  /** Who may approve at the actor's store (the tenant-wide ones when the actor has no store). */
  approvers(actor: ApprovalActor): Promise<z.output<typeof Approver>[]> {
    return withTenant(this.orm, actor.tenantId, (em) => storeApprovers(em, actor.storeId));
  }

  private failuresKey(tenantId: string, userId: string): string {
    return `${this.redisPrefix}:approval-fail:${tenantId}:${userId}`;
  }

  /**
   * Checks a secret of `user` against its hash within their allowance in this company. The try is
   * counted before hashing, so tries sent at once cannot pass the limit together; a right secret
   * gives the allowance back. Returns null when right, else the tries left (0: now locked).
   */
  private async check(
    tenantId: string,
    user: { id: string; name: string },
    hash: string,
    secret: string,
  ): Promise<number | null> {
    const key = this.failuresKey(tenantId, user.id);
    const [count] = (await this.redis
      .multi()
      .incr(key)
      .expire(key, APPROVAL_LOCK_SECONDS, 'NX')
      .exec()) as unknown as [number, number];
    if (count > APPROVAL_MAX_FAILURES) throw await this.locked(tenantId, user);
    let right: boolean;
    try {
      right = await verifyPassword(hash, secret);
    } catch (error) {
      // Not checked (hashing refused under load): not a wrong try.
      await this.redis.decr(key);
      throw error;
    }
    if (right) {
      await this.redis.del(key);
      return null;
    }
    if (count === APPROVAL_MAX_FAILURES) await this.redis.expire(key, APPROVAL_LOCK_SECONDS);
    return APPROVAL_MAX_FAILURES - count;
  }

  private async locked(tenantId: string, user: { id: string; name: string }): Promise<AppError> {
    const seconds = await this.redis.ttl(this.failuresKey(tenantId, user.id));
    const minutes = Math.max(1, Math.ceil(seconds / 60));
    return new AppError(
      'APPROVAL_LOCKED',
      `El PIN de autorización de ${user.name} está bloqueado por intentos fallidos. Espere ${minutes} min o pida la autorización a otro supervisor.`,
    );
  }

  /** A refused approval is audited in its own transaction: the action it guarded never runs. */
  private async auditRefusal(
    actor: ApprovalActor,
    terminalId: string | null,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.audited(actor, (em, events) =>
      recordAudit(em, actor, terminalId, [{ kind: 'approval_refused', details }], events),
    );
  }

  private async audited<T>(
    actor: ApprovalActor,
    work: (em: EntityManager, events: PendingEvents) => Promise<T>,
  ): Promise<T> {
    const events = new PendingEvents();
    const result = await withTenant(this.orm, actor.tenantId, (em) => work(em, events));
    events.publish(actor.nsp);
    return result;
  }
}

/** A PIN set or cleared, as a user change (like a role or store change) with its before and after. */
function pinChange(userId: string, email: string, before: boolean, change: 'set' | 'cleared'): AuditInput {
  return {
    kind: 'user_change',
    details: {
      userId,
      email,
      approvalPin: change,
      before: { approvalPin: before },
      after: { approvalPin: change === 'set' },
    },
  };
}
