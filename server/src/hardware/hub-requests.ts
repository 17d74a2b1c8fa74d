import { isErrorCode, type Result, type serverRequests } from '@erp/shared';
import type { z } from 'zod';
import { AppError } from '../platform/app-error.ts';
import { rooms } from '../realtime/rooms.ts';
import type { AppNamespace } from '../realtime/types.ts';

type RequestName = keyof typeof serverRequests;
type RequestPayload<K extends RequestName> = z.input<(typeof serverRequests)[K]['payload']>;
type RequestAnswer<K extends RequestName> = z.output<(typeof serverRequests)[K]['result']>;

/**
 * Every answer of the store's hubs (normally one) to a request, through the adapter so the hub
 * may be connected to any server. An empty list: no hub of the store is connected. Rejects when
 * a connected hub did not answer in time.
 */
export function broadcastToHub<K extends RequestName>(
  nsp: AppNamespace,
  storeId: string,
  event: K,
  payload: RequestPayload<K>,
  timeoutMs: number,
): Promise<Result<RequestAnswer<K>>[]> {
  const operator = nsp.to(rooms.storeScreen(storeId, 'hub')).timeout(timeoutMs);
  // The typed operator cannot follow a generic event name; the contract types are enforced above.
  return (operator.emitWithAck as (event: string, payload: unknown) => Promise<Result<RequestAnswer<K>>[]>)(
    event,
    payload,
  );
}

/**
 * Sends a short-lived request (drawer kick, scale watch) to the store's hub and returns its
 * answer. No hub, or no answer in time → DEVICE_UNAVAILABLE; a hub's refusal keeps its code
 * (e.g. EXPIRED_COMMAND when the request arrived after its deadline).
 */
export async function askStoreHub<K extends RequestName>(
  nsp: AppNamespace,
  storeId: string,
  event: K,
  payload: RequestPayload<K>,
  timeoutMs: number,
): Promise<RequestAnswer<K>> {
  const answers = await broadcastToHub(nsp, storeId, event, payload, timeoutMs).catch(() => {
    throw new AppError('DEVICE_UNAVAILABLE', 'El hub de la sucursal no respondió a tiempo.');
  });
  if (answers.length === 0) {
    throw new AppError('DEVICE_UNAVAILABLE', 'El hub de la sucursal no está conectado.');
  }
  const done = answers.find((answer) => answer?.ok);
  if (done?.ok) return done.data;
  const refusal = answers[0];
  if (refusal && !refusal.ok && isErrorCode(refusal.error?.code)) {
    throw new AppError(refusal.error.code, refusal.error.message);
  }
  throw new AppError('DEVICE_UNAVAILABLE');
}
