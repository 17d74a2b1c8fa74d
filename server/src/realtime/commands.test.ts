/** Every command handler the server registers rejects a malformed payload with VALIDATION. */
import { clientCommands } from '@erp/shared';
import { beforeAll, expect, it } from 'vitest';
import type { TestClient } from '../../test/harness.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { registeredCommands } from './commands.ts';

const MALFORMED: unknown[] = [undefined, null, 'texto', 42, [], { campo: { inesperado: true } }];

let socket: TestClient;

const world = useTestServer(['cmd']);
beforeAll(async () => {
  const [tenant] = world.tenants;
  socket = await world.signIn(tenant, tenant.emails.owner, {
    storeId: tenant.stores[0]!.id,
    screen: 'backoffice',
  });
});

it('answers VALIDATION to malformed payloads on every registered command', async () => {
  const names = [...registeredCommands];
  expect(names.length).toBeGreaterThanOrEqual(4);
  for (const name of names) {
    expect(Object.hasOwn(clientCommands, name), `${name} is in the shared contract`).toBe(true);
    for (const payload of MALFORMED) {
      const timed = socket.timeout(2000);
      const emit = timed.emitWithAck.bind(timed) as (event: string, ...args: unknown[]) => Promise<unknown>;
      const result = await (payload === undefined ? emit(name) : emit(name, payload));
      expect(result, `${name} with ${JSON.stringify(payload)}`).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION', message: 'Los datos enviados no son válidos.' },
      });
    }
  }
  // The server is still serving after all that.
  expect(await socket.emitWithAck('session:info', {})).toMatchObject({ ok: true });
});
