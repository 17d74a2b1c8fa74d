import { fail, ok, type Result } from '@erp/shared/errors';
import type { ClientCommands, CommandName, CommandPayload, CommandResult } from '@erp/shared/events/index';
import {
  type NotificationName,
  type NotificationPayload,
  type ResyncCallback,
  useRealtimeStore,
} from '../stores/realtime.store.ts';
import { useSessionStore } from '../stores/session.store.ts';

type Answer<K extends CommandName> =
  | Result<CommandResult<ClientCommands, K>>
  | CommandResult<ClientCommands, K>;
type Handler<K extends CommandName> = (
  payload: CommandPayload<ClientCommands, K>,
) => Answer<K> | Promise<Answer<K>>;

/**
 * Replaces the page socket of the active Pinia with an in-memory server for store tests:
 * `on(name, handler)` answers a command (a plain value means ok; a promise answers when it
 * settles, for a command still on its way while something else happens), `emit` pushes a
 * notification, `resync()` runs the resync callbacks as a non-recovered reconnect would.
 * Unanswered commands fail with OFFLINE. `sent` records every command sent. The catalog's
 * HTTP snapshot (`GET …/catalog/snapshot`) is answered by the `catalog:snapshot` handler and
 * recorded in `sent` under that name.
 */
export function fakeRealtime() {
  const realtime = useRealtimeStore();
  const handlers = new Map<string, (payload: unknown) => unknown>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const resyncs = new Set<ResyncCallback>();
  const sent: { name: string; payload: unknown }[] = [];

  realtime.command = (async (name: string, payload: unknown) => {
    sent.push({ name, payload: JSON.parse(JSON.stringify(payload)) });
    const handler = handlers.get(name);
    if (!handler) return fail('OFFLINE');
    const returned = handler(payload);
    // Only a promise waits: a plain answer comes back as soon as before (tests count the ticks).
    const answer = returned instanceof Promise ? await returned : returned;
    const isResult = typeof answer === 'object' && answer !== null && 'ok' in answer;
    return isResult ? answer : ok(answer);
  }) as typeof realtime.command;
  const realFetch = globalThis.fetch;
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.includes('/catalog/snapshot')) return realFetch(input, init);
    const answer = await realtime.command('catalog:snapshot', {});
    return new Response(JSON.stringify(answer), { status: answer.ok ? 200 : 503 });
  }) as typeof fetch;
  realtime.addEventListener = ((event: string, handler: (payload: unknown) => void) => {
    const set = listeners.get(event) ?? new Set();
    listeners.set(event, set);
    set.add(handler);
    return () => set.delete(handler);
  }) as typeof realtime.addEventListener;
  realtime.onResync = (callback) => {
    resyncs.add(callback);
    return () => resyncs.delete(callback);
  };

  return {
    sent,
    on<K extends CommandName>(name: K, handler: Handler<K>): void {
      handlers.set(name, handler as (payload: unknown) => unknown);
    },
    off(name: CommandName): void {
      handlers.delete(name);
    },
    emit<K extends NotificationName>(event: K, payload: NotificationPayload<K>): void {
      for (const handler of listeners.get(event) ?? []) handler(payload);
    },
    async resync(): Promise<void> {
      for (const callback of resyncs) await callback();
    },
  };
}

/** Signs the session store in to a company and store, as the login page leaves it. */
export function signedIn(storeId: string = crypto.randomUUID(), tenantSlug = 'demo'): string {
  const session = useSessionStore();
  session.selection = { tenantSlug, storeId, storeName: 'Tienda A' };
  return storeId;
}
