import { AppError } from '../platform/app-error.ts';
import { rooms } from '../realtime/rooms.ts';
import type { HubSocket } from '../realtime/types.ts';

/**
 * One active hub per store. Each hub keeps its own print journal, so two hubs serving one store
 * would both print every receipt sent to it. A hub that connects while another one serves the
 * store is refused; it keeps retrying with backoff and takes over once the other has gone. The
 * serving hub is never displaced: two live hubs would then take turns, and each would print
 * the jobs the other had already queued.
 */
export const STORE_HUB_BUSY =
  'Otro hub ya atiende esta sucursal; este se conectará cuando aquel se desconecte.';

type HubNamespace = HubSocket['nsp'];

/** Handshake check: refuses a hub while another one holds (or is claiming) its store. */
export async function assertStoreHubFree(nsp: HubNamespace, storeId: string): Promise<void> {
  const holders = await nsp.in(rooms.hubClaim(storeId)).fetchSockets();
  if (holders.length > 0) throw new AppError('CONFLICT', STORE_HUB_BUSY);
}

/**
 * Claims the store for a connected hub, and only then lets jobs reach it (the store's hub room).
 * Two hubs that passed the handshake check together both join the claim room before looking
 * at it; a later look always sees an earlier join, so at most one of them finds itself alone.
 * The others are disconnected and retry. Resolves whether this hub serves the store.
 */
export async function claimStore(hub: HubSocket): Promise<boolean> {
  const claim = rooms.hubClaim(hub.data.storeId);
  await hub.join(claim);
  // A server that does not answer could hide a claimant: refuse rather than risk two hubs.
  const claimants = await hub.nsp
    .in(claim)
    .fetchSockets()
    .catch(() => null);
  if (!hub.connected) return false;
  if (claimants === null || claimants.some((other) => other.id !== hub.id)) {
    hub.disconnect(true);
    return false;
  }
  await hub.join(rooms.storeScreen(hub.data.storeId, 'hub'));
  return true;
}
