import type { StoreNodeState } from '@erp/shared';
import type { z } from 'zod';
import { isoTimeOrNull } from '../platform/rows.ts';
import type { SqlExecutor } from '../platform/sql-session.ts';
import { rooms } from '../realtime/rooms.ts';
import type { AppNamespace } from '../realtime/types.ts';
import { type NodeStateRow, nodeStates } from './store-node.queries.ts';

type State = z.input<typeof StoreNodeState>;

/**
 * Whether a hub of the store is connected now, on any server process; null when a process did
 * not answer in time (the caller then goes by the recorded state).
 */
export async function hubConnected(nsp: AppNamespace, storeId: string): Promise<boolean | null> {
  try {
    const sockets = await nsp.in(rooms.storeScreen(storeId, 'hub')).fetchSockets();
    return sockets.length > 0;
  } catch {
    return null;
  }
}

/**
 * A store's node as shown: cut off since the hub's own report, or since its socket dropped when
 * it is not connected (the hub cannot report while cut off); the sales waiting as last reported.
 */
export function stateView(row: NodeStateRow, hubOnline: boolean): State {
  const since = hubOnline ? row.offline_since : (row.offline_since ?? row.disconnected_at);
  return {
    storeId: row.store_id,
    hubOnline,
    offlineSince: isoTimeOrNull(since),
    pending: row.pending,
    reportedAt: isoTimeOrNull(row.reported_at),
  };
}

export async function storeNodeStates(em: SqlExecutor, nsp: AppNamespace): Promise<State[]> {
  const rows = await nodeStates(em);
  return Promise.all(
    rows.map(async (row) => {
      const connected = await hubConnected(nsp, row.store_id);
      // Unknown: connected if it reported since its socket last dropped.
      return stateView(row, connected ?? (row.disconnected_at === null && row.reported_at !== null));
    }),
  );
}

/** Screens that show the store's node state. */
export const NODE_STATE_WATCHERS = [rooms.screen('backoffice'), rooms.screen('wall')];
