/** Every command a hub may send rejects a malformed payload with VALIDATION (cf. realtime/commands.test.ts). */
import { clientCommands } from '@erp/shared';
import { beforeAll, expect, it } from 'vitest';
import type { TestClient } from '../../test/harness.ts';
import { connectHub, hubEmit, issueHubCredential } from '../../test/hubs.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { registeredHubCommands } from '../realtime/commands.ts';

const MALFORMED: unknown[] = [null, 'texto', 42, [], { campo: { inesperado: true } }];

let hub: TestClient;

const world = useTestServer(['hubcmd']);
beforeAll(async () => {
  const [tenant] = world.tenants;
  const admin = await world.signIn(tenant, tenant.emails.owner, { screen: 'backoffice' });
  hub = await connectHub(
    world.server.url,
    tenant.slug,
    await issueHubCredential(admin, tenant.stores[0]!.id),
  );
  world.keep(hub);
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
