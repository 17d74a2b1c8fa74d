/** Every command a hub may send rejects a malformed payload with VALIDATION (cf. realtime/commands.test.ts). */
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
import { connectHub, hubEmit, issueHubCredential } from '../../test/hubs.ts';
import { registeredHubCommands } from '../realtime/commands.ts';

const MALFORMED: unknown[] = [null, 'texto', 42, [], { campo: { inesperado: true } }];

let server: TestServer;
let admin: TestClient;
let hub: TestClient;

beforeAll(async () => {
  server = await startTestServer();
  const tenant = await createTestTenant(server, 'hubcmd');
  admin = await connectClient(server.url, tenant.slug, {
    token: await tokenFor(server.url, tenant.emails.owner),
    screen: 'backoffice',
  });
  hub = await connectHub(server.url, tenant.slug, await issueHubCredential(admin, tenant.stores[0]!.id));
});
afterAll(async () => {
  hub?.close();
  admin?.close();
  await server?.close();
});

it('answers VALIDATION to malformed payloads on every hub command', async () => {
  const names = [...registeredHubCommands];
  expect(names).toEqual(
    expect.arrayContaining(['hub:announce', 'printer:status', 'scale:reading', 'print:state']),
  );
  for (const name of names) {
    expect(Object.hasOwn(clientCommands, name), `${name} is in the shared contract`).toBe(true);
    for (const payload of MALFORMED) {
      expect(await hubEmit(hub, name, payload), `${name} with ${JSON.stringify(payload)}`).toMatchObject({
        ok: false,
        error: { code: 'VALIDATION' },
      });
    }
  }
  // The hub is still served after all that.
  expect(await hubEmit(hub, 'hub:announce', { hubVersion: '1', printers: [], scales: [] })).toMatchObject({
    ok: true,
  });
});
