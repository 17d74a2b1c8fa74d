import type { CashSessionSummary } from '@erp/shared/events/index';
import type { z } from 'zod';

/** The badge colour of a cash session: open, waiting for a supervisor, or closed. */
export const STATUS_TONE: Readonly<Record<z.output<typeof CashSessionSummary>['status'], string>> = {
  open: 'info',
  pending_approval: 'warn',
  closed: 'good',
};
