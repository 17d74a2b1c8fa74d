import { DteError } from '@erp/sii-core';
import { AppError } from '../platform/app-error.ts';

/**
 * Runs one of the sale rules shared with the store's hub (`@erp/sii-core`'s sale code), turning
 * its refusal (a `DteError` with a shared code) into the server's `AppError`, unchanged.
 */
export function saleRule<T>(rule: () => T): T {
  try {
    return rule();
  } catch (error) {
    if (error instanceof DteError) throw new AppError(error.code, error.message, error.details);
    throw error;
  }
}
