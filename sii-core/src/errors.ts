import { ERROR_MESSAGES, type ErrorCode } from '@erp/shared';

/**
 * Failure of the SII documents module. `message` is Spanish (es-CL) and meant for the user;
 * `code` is one of the shared error codes so callers can map it to a `Result` unchanged.
 */
export class DteError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string = ERROR_MESSAGES[code], details?: unknown) {
    super(message);
    this.name = 'DteError';
    this.code = code;
    if (details !== undefined) this.details = details;
  }
}
