/**
 * The store node's state, pushed by the store's hub to every screen connected through it
 * (README, "Store node"). A screen connected straight to the central server never receives it.
 */
import { z } from 'zod';
import { Timestamp } from './primitives.ts';

/**
 * `online`: the hub reaches the central server (and relays every command to it); otherwise it
 * answers by itself what it can. `since`: when the current state began (the "sin conexión
 * desde HH:MM" of the POS). `pendingSales`: sales taken while offline and not yet synchronised.
 */
export const NodeState = z.object({
  online: z.boolean(),
  since: Timestamp,
  pendingSales: z.number().int().nonnegative(),
});
export type NodeState = z.output<typeof NodeState>;

export const nodeStateNotifications = {
  'node:state': NodeState,
};
