import { LoginRequest } from '@erp/shared';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../platform/app-error.ts';
import { rooms, tenantNamespace } from '../realtime/rooms.ts';
import type { AppServer } from '../realtime/types.ts';
import type { AuthService } from './auth.service.ts';

export function bearer(request: FastifyRequest): string {
  const header = request.headers.authorization ?? '';
  const match = /^Bearer (\S+)$/.exec(header);
  if (!match) throw new AppError('UNAUTHENTICATED');
  return match[1]!;
}

/** `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me`. */
export function registerAuthRoutes(app: FastifyInstance, auth: AuthService, io: AppServer): void {
  app.post('/api/auth/login', async (request) => {
    const body = LoginRequest.safeParse(request.body);
    if (!body.success)
      throw AppError.validation(body.error.issues.map((i) => ({ path: i.path, message: i.message })));
    return auth.login(body.data.email, body.data.password, request.ip);
  });

  app.post('/api/auth/logout', async (request, reply) => {
    const session = await auth.logout(bearer(request));
    // Close every socket opened with this token, in every tenant of the user, on every server.
    for (const m of await auth.memberships(session.userId)) {
      io.of(tenantNamespace(m.tenantSlug)).in(rooms.session(session.sessionId)).disconnectSockets(true);
    }
    return reply.code(204).send();
  });

  app.get('/api/auth/me', async (request) => {
    const session = await auth.verify(bearer(request));
    return { userId: session.userId, memberships: await auth.memberships(session.userId) };
  });
}
