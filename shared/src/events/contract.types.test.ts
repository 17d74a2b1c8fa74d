/**
 * Type-level test of the real-time contract. The assertions are checked by `tsc` (the root
 * `npm run typecheck`, part of `npm test`): an `expectTypeOf` that does not hold, or a
 * `@ts-expect-error` line that compiles, fails the type-check. At run time the calls do nothing.
 */
import { describe, expectTypeOf, it } from 'vitest';
import type { ErrorPayload } from '../errors.ts';
import type { ClientCommands, ClientToServerEvents, CommandName, ServerToClientEvents } from './contract.ts';
import type { CommandPayload, CommandResult } from './define.ts';
import type { PrintJob } from './hardware.events.ts';

/** What socket.io's typed `emit` accepts: a known command, its payload, and an ack of its result. */
function emit<K extends CommandName>(_event: K, ..._args: Parameters<ClientToServerEvents[K]>): void {}
/** What socket.io's typed `on` accepts on a client: a known server event and its listener. */
function on<K extends keyof ServerToClientEvents>(_event: K, _listener: ServerToClientEvents[K]): void {}

const id = '6f1c3a56-3c1b-4c8e-9a57-2b0f7c1d9e10';

describe('event contract types', () => {
  it('accepts a known command with its payload, and rejects unknown names', () => {
    emit('cash:open', { terminalId: id, openingFloat: 20_000 }, () => {});
    // @ts-expect-error: no such command
    emit('cash:opne', { terminalId: id, openingFloat: 20_000 }, () => {});
    // @ts-expect-error: a notification is not a command
    emit('cash:changed', { changes: [] }, () => {});
    expectTypeOf<'sale:commit'>().toExtend<CommandName>();
    expectTypeOf<'sale:comit'>().not.toExtend<CommandName>();
  });

  it('rejects payloads of the wrong shape', () => {
    // @ts-expect-error: openingFloat is pesos, not text
    emit('cash:open', { terminalId: id, openingFloat: '20000' }, () => {});
    // @ts-expect-error: terminalId is required
    emit('cash:open', { openingFloat: 20_000 }, () => {});
    // @ts-expect-error: the payload of another command
    emit('cash:open', { sessionId: id }, () => {});
    // @ts-expect-error: a command without its ack
    emit('cash:open', { terminalId: id, openingFloat: 20_000 });
  });

  it('types the payload as the client sends it (defaults optional) and the result as the server answers it', () => {
    type Line = CommandPayload<ClientCommands, 'sale:commit'>['lines'][number];
    expectTypeOf<Line['quantity']>().toEqualTypeOf<string>();
    expectTypeOf<Line['unitPrice']>().toEqualTypeOf<number>();
    expectTypeOf<Line['priceOverride']>().toEqualTypeOf<boolean | undefined>();
    expectTypeOf<{ kind: 'percent'; percent: '10'; reason: 'damaged' }>().toExtend<Line['discount']>();
    type Session = CommandResult<ClientCommands, 'cash:current'>;
    expectTypeOf<Session>().toExtend<{ id: string } | null>();
    expectTypeOf<null>().toExtend<Session>();
  });

  it('narrows the ack on ok', () => {
    emit('sale:commit', {} as CommandPayload<ClientCommands, 'sale:commit'>, (result) => {
      if (result.ok) {
        expectTypeOf(result.data.folio).toEqualTypeOf<number>();
        expectTypeOf(result.data.ted).toEqualTypeOf<string>();
        // @ts-expect-error: a success has no error
        result.error;
      } else {
        expectTypeOf(result.error).toEqualTypeOf<ErrorPayload>();
        // @ts-expect-error: a failure has no data
        result.data;
      }
    });
  });

  it('types notifications and server requests', () => {
    on('folio:low', (payload) =>
      expectTypeOf(payload).toEqualTypeOf<{ docType: number; remaining: number }>(),
    );
    on('print:job', (job, ack) => {
      expectTypeOf(job).toEqualTypeOf<PrintJob>();
      expectTypeOf(ack).parameter(0).toExtend<{ ok: boolean }>();
    });
    // @ts-expect-error: no such notification
    on('folio:lo', () => {});
    // @ts-expect-error: a notification's listener gets its payload, not a number
    on('folio:low', (payload: number) => payload);
  });
});
