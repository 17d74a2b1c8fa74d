import type { CashSessionView } from '@erp/shared';
import type { z } from 'zod';
import { rooms } from '../realtime/rooms.ts';
import type { AppNamespace } from '../realtime/types.ts';
import { dropSuggested } from './cash.service.ts';

/** Tells the walls how much cash drawers hold, and whether it is time for a cash drop. */
export function announceCash(
  nsp: AppNamespace,
  sessions: readonly z.infer<typeof CashSessionView>[],
  dropThreshold: number,
): void {
  if (sessions.length === 0) return;
  nsp.to(rooms.screen('wall')).emit('cash:changed', {
    changes: sessions.map((session) => ({
      sessionId: session.id,
      storeId: session.storeId,
      terminalId: session.terminalId,
      status: session.status,
      expectedCash: session.totals.expectedCash,
      dropSuggested: dropSuggested(session, dropThreshold),
    })),
  });
}
