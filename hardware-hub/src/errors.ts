import { ERROR_MESSAGES, type ErrorCode, type ErrorPayload, fail } from '@erp/shared';

/** An error the hub reports to the server through an ack, with a code from the shared set. */
export class HubError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string = ERROR_MESSAGES[code]) {
    super(message);
    this.name = 'HubError';
    this.code = code;
  }
}

/** Anything thrown becomes an ack failure; unexpected errors are `INTERNAL` without their text. */
export function toFailure(error: unknown): { ok: false; error: ErrorPayload } {
  return error instanceof HubError ? fail(error.code, error.message) : fail('INTERNAL');
}

/** Throws `EXPIRED_COMMAND` when `expiresAt` (the server's deadline) has passed. */
export function assertNotExpired(expiresAt: string, now: Date = new Date()): void {
  if (Date.parse(expiresAt) <= now.getTime()) throw new HubError('EXPIRED_COMMAND');
}

/** Validates a request payload; a bad one is answered `VALIDATION`. */
export function parsePayload<T>(
  schema: { safeParse(value: unknown): { success: true; data: T } | { success: false } },
  payload: unknown,
): T {
  const result = schema.safeParse(payload);
  if (!result.success) throw new HubError('VALIDATION');
  return result.data;
}
