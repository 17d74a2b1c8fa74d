/** Every command handler the server registers rejects a malformed payload with VALIDATION. */
import { clientCommands } from '@erp/shared';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  connectClient,
  createTestTenant,
  startTestServer,
  type TestClient,
  type TestServer,
  tokenFor,
} from '../../test/harness.ts';
import { registeredCommands } from './commands.ts';

const MALFORMED: unknown[] = [undefined, null, 'texto', 42, [], { campo: { inesperado: true } }];

let server: TestServer;
let socket: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  const tenant = await createTestTenant(server, 'cmd');
  socket = await connectClient(server.url, tenant.slug, {
    token: await tokenFor(server.url, tenant.emails.owner),
    storeId: tenant.stores[0]!.id,
    screen: 'backoffice',
  });
});
afterAll(async () => {
  socket?.close();
  await server?.close();
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
