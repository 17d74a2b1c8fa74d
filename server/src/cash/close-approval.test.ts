/**
 * A difference above the tolerance needs a second person: a supervisor who ran a till closes
 * it into "waiting for approval" like any cashier, and cannot approve it themselves.
 */
import { expect, it } from 'vitest';
import { openTill } from '../../test/selling.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';

const world = useTestServer(['close-approval']);

it("holds a supervisor's own short drawer for another supervisor, never approving it themselves", async () => {
  const [tenant] = world.tenants;
  const till = await openTill(
    world.server,
    tenant,
    tenant.stores[0]!.terminalIds[0]!,
    tenant.emails.supervisor,
  );
  world.keep(till.socket);
  // $20.000 of float, nothing counted: far above any tolerance.
  const closed = await till.socket.emitWithAck('cash:close', {
    sessionId: till.cashSessionId,
    denominations: {},
    countedCard: 0,
  });
  expect(closed).toMatchObject({ ok: true, data: { session: { status: 'pending_approval' } } });

  const selfApproved = await till.socket.emitWithAck('cash:approve-close', { sessionId: till.cashSessionId });
  expect(selfApproved).toEqual({
    ok: false,
    error: {
      code: 'FORBIDDEN',
      message: 'No puede aprobar el cierre de su propia caja. Pídaselo a otro supervisor.',
    },
  });

  const admin = await world.signIn(tenant, tenant.emails.admin, { screen: 'backoffice' });
  const approved = await admin.emitWithAck('cash:approve-close', { sessionId: till.cashSessionId });
  expect(approved).toMatchObject({ ok: true, data: { session: { status: 'closed' } } });
});
