/**
 * The store node's tills (docs/store-node.md#tills-offline): what the hub keeps of each till of
 * its store while online, and the till operations it answered itself while the central server
 * could not be reached, sent back in the order they were done.
 *
 * Hub → server commands (hub credential, `screen: 'hub'`):
 * - `node:tills`: the store's terminals with their session not yet closed (every figure), the
 *   close tolerance and the names the close receipt prints.
 * - `node:sync-till`: offline till operations (open, cash in/out, close), at most 100 per batch,
 *   each answered on its own; a repeat (same `opId`) answers `duplicate`.
 */
import { z } from 'zod';
import { CashSessionView, DenominationCount } from './cash.events.ts';
import { command } from './define.ts';
import { EnteredPesos, Timestamp, Uuid } from './primitives.ts';

const OpBase = {
  /** The idempotency key: the session id (open), the movement id (move), the close id (close). */
  opId: Uuid,
  sessionId: Uuid,
  /** The person logged in at the till. */
  userId: Uuid,
  /** When the hub did it (the session's opening, the movement's, the close's time). */
  at: Timestamp,
};

export const OfflineTillOp = z.discriminatedUnion('kind', [
  z
    .object({ kind: z.literal('open'), ...OpBase, terminalId: Uuid, openingFloat: EnteredPesos })
    .strict()
    .refine((op) => op.opId === op.sessionId, { message: 'opId es el id de la sesión', path: ['opId'] }),
  z
    .object({
      kind: z.literal('move'),
      ...OpBase,
      moveKind: z.enum(['in', 'out']),
      amount: EnteredPesos.min(1),
      reason: z.string().trim().min(3).max(200),
    })
    .strict(),
  z
    .object({
      kind: z.literal('close'),
      ...OpBase,
      denominations: DenominationCount,
      countedCard: EnteredPesos,
    })
    .strict(),
]);
export type OfflineTillOp = z.output<typeof OfflineTillOp>;

export const TillSyncBatch = z.object({ ops: z.array(OfflineTillOp).min(1).max(100) }).strict();

/**
 * What became of one till operation. `recorded`: done now; `duplicate`: done before (a re-sent
 * batch); both with the session as it stands after it. `refused`: not done, with the reason (e.g.
 * TILL_CONFLICT); the hub keeps it for a person.
 */
export const TillSyncOutcome = z.discriminatedUnion('status', [
  z.object({ opId: Uuid, status: z.literal(['recorded', 'duplicate']), session: CashSessionView }),
  z.object({
    opId: Uuid,
    status: z.literal('refused'),
    error: z.object({ code: z.string(), message: z.string() }),
  }),
]);
export type TillSyncOutcome = z.output<typeof TillSyncOutcome>;

export const TillSyncAnswer = z.object({ outcomes: z.array(TillSyncOutcome) });

/** The store's tills as the hub keeps them to answer offline. */
export const NodeTills = z.object({
  storeName: z.string(),
  /** The company's close tolerance (`cashCloseTolerance`). */
  tolerance: z.number().int(),
  terminals: z.array(z.object({ id: Uuid, name: z.string(), session: CashSessionView.nullable() })),
  /** Who may work a till in the store, for the names on the close receipt. */
  people: z.array(z.object({ userId: Uuid, name: z.string() })),
});
export type NodeTills = z.output<typeof NodeTills>;

export const storeNodeTillCommands = {
  'node:tills': command(z.object({}).strict(), NodeTills),
  'node:sync-till': command(TillSyncBatch, TillSyncAnswer),
};
