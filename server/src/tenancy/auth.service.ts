import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { MikroORM } from '@mikro-orm/postgresql';
import { AppError } from '../platform/app-error.ts';
import { withoutTenant, withUser } from '../platform/orm.ts';
import type { RedisClient } from '../platform/redis.ts';
import {
  insertSession,
  type MembershipRow,
  memberships,
  revokeSession,
  sessionByTokenHash,
  tenantIdBySlug,
  userByEmail,
} from './auth.queries.ts';
import { decoyHash, verifyPassword } from './password.ts';

export interface AuthSettings {
  tokenTtlSeconds: number;
  maxFailures: number;
  windowSeconds: number;
  redisPrefix: string;
}

export interface VerifiedSession {
  sessionId: string;
  userId: string;
  /** When the token stops being valid (ms since the epoch). */
  expiresAt: number;
}

const hashToken = (token: string) => createHash('sha256').update(token).digest();

/**
 * Logins, opaque bearer tokens and their revocation. Tokens are random; only their SHA-256 is
 * stored, so a database dump cannot be replayed as a login.
 */
export class AuthService {
  private readonly orm: MikroORM;
  private readonly redis: RedisClient;
  private readonly settings: AuthSettings;

  constructor(orm: MikroORM, redis: RedisClient, settings: AuthSettings) {
    this.orm = orm;
    this.redis = redis;
    this.settings = settings;
  }

  /**
   * Checks an email and password, throttled per email and per address. Every failure gives the
   * same INVALID_CREDENTIALS, so the answer never tells whether the email exists.
   */
  private async checkCredentials(email: string, password: string, ip: string): Promise<string> {
    const keys = [
      `${this.settings.redisPrefix}:login-fail:email:${email}`,
      `${this.settings.redisPrefix}:login-fail:ip:${ip}`,
    ];
    const limits = [this.settings.maxFailures, this.settings.maxFailures * 6];
    const counts = await Promise.all(keys.map((k) => this.redis.get(k)));
    if (counts.some((c, i) => Number(c ?? 0) >= limits[i]!)) throw new AppError('TOO_MANY_ATTEMPTS');

    const user = await withoutTenant(this.orm, (em) => userByEmail(em, email));
    // Verify even for an unknown email so the answer takes the same time either way.
    const valid = await verifyPassword(user?.password_hash ?? (await decoyHash()), password);
    if (!user || !valid || !user.active) {
      await Promise.all(
        keys.map(async (k) => {
          await this.redis.incr(k);
          await this.redis.expire(k, this.settings.windowSeconds);
        }),
      );
      throw new AppError('INVALID_CREDENTIALS');
    }
    await this.redis.del(keys[0]!);
    return user.id;
  }

  async login(email: string, password: string, ip: string) {
    const userId = await this.checkCredentials(email, password, ip);
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.settings.tokenTtlSeconds * 1000);
    const profile = await withUser(this.orm, userId, (em) =>
      insertSession(em, { id: randomUUID(), userId, tokenHash: hashToken(token), expiresAt }),
    );
    return {
      token,
      expiresAt: expiresAt.toISOString(),
      user: profile,
      memberships: await this.memberships(userId),
    };
  }

  /** Checks a bearer token; throws a coded error when it is unknown, expired or revoked. */
  async verify(token: string): Promise<VerifiedSession> {
    const row = await withoutTenant(this.orm, (em) => sessionByTokenHash(em, hashToken(token)));
    if (!row?.user_active) throw new AppError('UNAUTHENTICATED');
    if (row.revoked_at) throw new AppError('TOKEN_REVOKED');
    const expiresAt = new Date(row.expires_at).getTime();
    if (expiresAt <= Date.now()) throw new AppError('TOKEN_EXPIRED');
    return { sessionId: row.session_id, userId: row.user_id, expiresAt };
  }

  /** Revokes the session of a token. Returns it so open sockets of the session can be closed. */
  async logout(token: string): Promise<VerifiedSession> {
    const session = await this.verify(token);
    await withUser(this.orm, session.userId, (em) => revokeSession(em, session.sessionId));
    return session;
  }

  async memberships(userId: string): Promise<MembershipRow[]> {
    return withoutTenant(this.orm, (em) => memberships(em, userId));
  }

  async tenantIdBySlug(slug: string): Promise<string | null> {
    return withoutTenant(this.orm, (em) => tenantIdBySlug(em, slug));
  }
}
