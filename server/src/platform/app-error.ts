import { ERROR_MESSAGES, type ErrorCode, type ErrorPayload, fail } from '@erp/shared';

/**
 * The one error type services throw. It carries a code from the shared closed set; the
 * transport layer turns it into an ack or an HTTP answer with the Spanish message.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly details: unknown;

  constructor(code: ErrorCode, message?: string, details?: unknown) {
    super(message ?? ERROR_MESSAGES[code]);
    this.name = 'AppError';
    this.code = code;
    this.details = details;
  }

  static validation(details?: unknown, message?: string) {
    return new AppError('VALIDATION', message, details);
  }

  static forbidden(message?: string) {
    return new AppError('FORBIDDEN', message);
  }

  static notFound(what: string) {
    return new AppError('NOT_FOUND', `No se encontró ${what}.`);
  }

  toPayload(): ErrorPayload {
    return fail(this.code, this.message, this.details).error;
  }
}

const HTTP_STATUS: Partial<Record<ErrorCode, number>> = {
  VALIDATION: 400,
  INVALID_RUT: 400,
  UNAUTHENTICATED: 401,
  INVALID_CREDENTIALS: 401,
  TOKEN_EXPIRED: 401,
  TOKEN_REVOKED: 401,
  FORBIDDEN: 403,
  STORE_SCOPE: 403,
  WRONG_TENANT: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  IDEMPOTENCY_MISMATCH: 409,
  TOO_MANY_ATTEMPTS: 429,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

export function httpStatusOf(code: ErrorCode): number {
  return HTTP_STATUS[code] ?? 422;
}

/**
 * Maps anything thrown to the payload a client sees. Unknown errors become INTERNAL with the
 * generic message; the caller logs the original.
 */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof AppError) return error.toPayload();
  return fail('INTERNAL').error;
}
