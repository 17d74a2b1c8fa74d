/**
 * The back office's SII commands over real sockets: the documents list (paging, filters, roles),
 * a document's history, retrying a failed document through the real worker and simulator, CAF
 * and certificate uploads with their Spanish refusals.
 */
import { randomUUID } from 'node:crypto';
import type { DteState, DteStatusChange } from '@erp/shared';
import { makeTestCaf, makeTestCertificate } from '@erp/sii-core/test-authority';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestTenant, type TestClient, type TestServer, type TestTenant } from '../../test/harness.ts';
import { addCaf, addProducts, openTill, receiveStock, type Till } from '../../test/selling.ts';
import { documentFailedToSign, startTestPipeline, type TestPipeline } from '../../test/sii-pipeline.ts';
import { useTestServer } from '../../test/test-server-fixture.ts';
import { waitUntil } from '../../test/wait.ts';
import { withTenant } from '../platform/orm.ts';
import { transition } from './dte.queries.ts';

const RUT = '76192083-9';

let server: TestServer;
let pipeline: TestPipeline | undefined;
const world = useTestServer([]);

function backOffice(tenant: TestTenant, role: 'admin' | 'owner' | 'supervisor' = 'admin') {
  // A supervisor may not open the back office: it asks from the wall.
  const auth =
    role === 'supervisor' ? { screen: 'wall', storeId: tenant.stores[0]!.id } : { screen: 'backoffice' };
  return world.signIn(tenant, tenant.emails[role], auth);
}

/** Resolves once `probe` holds; rejects after `ms` (generous: the machine is shared). */
const waitFor = <T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 30_000,
) => waitUntil(what, probe, ms, 50);

beforeAll(() => {
  server = world.server;
});
afterAll(async () => {
  await pipeline?.close();
});

describe('dte:list and dte:history', () => {
  let tenant: TestTenant;
  let admin: TestClient;
  /** Seeded documents by `type-folio`. */
  const ids = new Map<string, string>();

  /** A document that went through `states` (after `stamped`), each step with its SII answer. */
  async function seed(docType: number, folio: number, issuedAt: string, states: DteState[]) {
    const id = randomUUID();
    await withTenant(server.orm, tenant.tenantId, async (em) => {
      await em.execute(
        `insert into dte_document (id, tenant_id, sale_id, doc_type, folio, issued_at, total, state)
         values (?, current_tenant_id(), ?, ?, ?, ?, ?, 'stamped')`,
        [id, randomUUID(), docType, folio, issuedAt, 1000 * folio],
      );
      await em.execute(
        `insert into dte_event (tenant_id, document_id, state, created_at) values (current_tenant_id(), ?, 'stamped', ?)`,
        [id, issuedAt],
      );
      let from: DteState = 'stamped';
      for (const state of states) {
        await transition(em, [from], [{ id, state, detail: `detalle ${state}`, raw: `<raw>${state}</raw>` }]);
        from = state;
      }
    });
    ids.set(`${docType}-${folio}`, id);
  }

  beforeAll(async () => {
    tenant = await createTestTenant(server, 'dte-list');
    await seed(39, 1, '2026-03-01T12:00:00Z', ['signed', 'in_envelope', 'uploaded', 'accepted']);
    await seed(39, 2, '2026-03-02T12:00:00Z', ['signed', 'in_envelope', 'uploaded', 'rejected']);
    await seed(33, 1, '2026-03-02T15:00:00Z', ['signed', 'in_envelope', 'uploaded', 'accepted']);
    await seed(39, 3, '2026-03-03T12:00:00Z', ['failed']);
    await seed(61, 1, '2026-03-04T12:00:00Z', ['signed', 'in_envelope', 'uploaded']);
    admin = await backOffice(tenant);
  });
  afterAll(() => {
    admin?.close();
  });

  const keys = (items: { docType: number; folio: number }[]) => items.map((d) => `${d.docType}-${d.folio}`);

  it('pages newest first with the total', async () => {
    const first = await admin.emitWithAck('dte:list', { limit: 2 });
    expect(first.ok && first.data.total).toBe(5);
    expect(first.ok && keys(first.data.items)).toEqual(['61-1', '39-3']);
    const second = await admin.emitWithAck('dte:list', { offset: 2, limit: 2 });
    expect(second.ok && keys(second.data.items)).toEqual(['33-1', '39-2']);
    const last = await admin.emitWithAck('dte:list', { offset: 4, limit: 2 });
    expect(last.ok && last.data).toMatchObject({ total: 5, items: [{ docType: 39, folio: 1 }] });
    expect(last.ok && last.data.items[0]).toEqual({
      id: ids.get('39-1'),
      saleId: expect.any(String),
      docType: 39,
      folio: 1,
      issuedAt: '2026-03-01T12:00:00.000Z',
      total: 1000,
      state: 'accepted',
      trackId: null,
      siiDetail: 'detalle accepted',
      updatedAt: expect.any(String),
      // Rung online, seeded straight to accepted: no store node, no envelope.
      offlineSyncedAt: null,
      sentAt: null,
      // A boleta is never mailed.
      mails: [],
    });
  });

  it('filters by state, type, folio and dates; the total follows the filter', async () => {
    const list = async (query: Record<string, unknown>) => {
      const answer = await admin.emitWithAck('dte:list', query as never);
      if (!answer.ok) throw new Error(JSON.stringify(answer.error));
      return { total: answer.data.total, keys: keys(answer.data.items) };
    };
    expect(await list({ states: ['rejected', 'failed'] })).toEqual({ total: 2, keys: ['39-3', '39-2'] });
    expect(await list({ docType: 39, limit: 1 })).toEqual({ total: 3, keys: ['39-3'] });
    expect(await list({ folio: 1 })).toEqual({ total: 3, keys: ['61-1', '33-1', '39-1'] });
    expect(await list({ from: '2026-03-02', to: '2026-03-03' })).toEqual({
      total: 3,
      keys: ['39-3', '33-1', '39-2'],
    });
    expect(await list({ docType: 39, states: ['accepted'], to: '2026-03-01' })).toEqual({
      total: 1,
      keys: ['39-1'],
    });
    const malformed = await admin.emitWithAck('dte:list', { before: '2026-03-01T00:00:00Z' } as never);
    expect(malformed.ok ? 'ok' : malformed.error.code).toBe('VALIDATION');
  });

  it('answers a document history in order, with the SII raw answers', async () => {
    const answer = await admin.emitWithAck('dte:history', { documentId: ids.get('39-2')! });
    if (!answer.ok) throw new Error(JSON.stringify(answer.error));
    expect(answer.data.events.map((e) => [e.state, e.detail, e.rawResponse])).toEqual([
      ['stamped', null, null],
      ['signed', 'detalle signed', '<raw>signed</raw>'],
      ['in_envelope', 'detalle in_envelope', '<raw>in_envelope</raw>'],
      ['uploaded', 'detalle uploaded', '<raw>uploaded</raw>'],
      ['rejected', 'detalle rejected', '<raw>rejected</raw>'],
    ]);
    expect(answer.data.events[0]!.at).toBe('2026-03-02T12:00:00.000Z');
    // Another tenant's id is simply not there.
    const other = await createTestTenant(server, 'dte-other');
    const stranger = await backOffice(other);
    try {
      const foreign = await stranger.emitWithAck('dte:history', { documentId: ids.get('39-2')! });
      expect(foreign.ok && foreign.data.events).toEqual([]);
      const list = await stranger.emitWithAck('dte:list', {});
      expect(list.ok && list.data.total).toBe(0);
    } finally {
      stranger.close();
    }
  });

  it('is for the owner and admins only', async () => {
    const supervisor = await backOffice(tenant, 'supervisor');
    try {
      for (const [name, payload] of [
        ['dte:list', {}],
        ['dte:history', { documentId: ids.get('39-1') }],
        ['dte:retry', { documentId: ids.get('39-3') }],
        ['caf:list', {}],
        ['certificate:get', {}],
      ] as const) {
        const answer = await supervisor.emitWithAck(name, payload as never);
        expect([name, answer.ok ? 'ok' : answer.error.code]).toEqual([name, 'FORBIDDEN']);
      }
    } finally {
      supervisor.close();
    }
    const owner = await backOffice(tenant, 'owner');
    try {
      const answer = await owner.emitWithAck('dte:list', {});
      expect(answer.ok && answer.data.total).toBe(5);
    } finally {
      owner.close();
    }
  });
});

describe('CAF and certificate commands', () => {
  let tenant: TestTenant;
  let admin: TestClient;

  beforeAll(async () => {
    tenant = await createTestTenant(server, 'caf-cmd');
    admin = await backOffice(tenant);
  });
  afterAll(() => {
    admin?.close();
  });

  it('refuses a CAF of another RUT with the reason, lists a good one with its folios and the threshold', async () => {
    const wrong = await admin.emitWithAck('caf:upload', {
      xml: makeTestCaf({ rut: '77123456-9', type: 39, from: 1, to: 10 }).toString('latin1'),
    });
    expect(wrong).toEqual({
      ok: false,
      error: {
        code: 'CAF_INVALID',
        message: `El CAF es del RUT 77123456-9, no del RUT de la empresa (${RUT}).`,
      },
    });
    const malformed = await admin.emitWithAck('caf:upload', { xml: '<AUTORIZACION><CAF>roto' });
    expect(malformed.ok ? 'ok' : malformed.error.code).toBe('CAF_INVALID');

    const good = await admin.emitWithAck('caf:upload', {
      xml: makeTestCaf({ rut: RUT, type: 39, from: 101, to: 150 }).toString('latin1'),
    });
    expect(good).toMatchObject({ ok: true, data: { docType: 39, from: 101, to: 150 } });
    const listed = await admin.emitWithAck('caf:list', {});
    expect(listed).toEqual({
      ok: true,
      data: {
        lowFolioThreshold: 100,
        cafs: [
          {
            id: good.ok ? good.data.id : '',
            docType: 39,
            from: 101,
            to: 150,
            nextFolio: 101,
            remaining: 50,
            authorizedOn: expect.stringMatching(/^\d{4}-\d{2}-\d{2}$/),
            expiresOn: null,
          },
        ],
        // 50 folios, under the default threshold of 100: the alert stands from the upload on.
        folios: [{ docType: 39, remaining: 50, low: true }],
      },
    });
  });

  it('stores a certificate and shows holder, RUT and expiry, never the password', async () => {
    const empty = await admin.emitWithAck('certificate:get', {});
    expect(empty).toEqual({ ok: true, data: { certificate: null } });
    const pfx = makeTestCertificate({ rut: '11111111-1', name: 'Firmante Socket', password: 'muy-secreta' });
    const refused = await admin.emitWithAck('certificate:upload', {
      pfxBase64: pfx.toString('base64'),
      password: 'otra',
    });
    expect(refused.ok ? 'ok' : refused.error.code).toBe('CERTIFICATE_INVALID');

    const stored = await admin.emitWithAck('certificate:upload', {
      pfxBase64: pfx.toString('base64'),
      password: 'muy-secreta',
    });
    expect(stored).toMatchObject({
      ok: true,
      data: { holderName: 'Firmante Socket', holderRut: '11111111-1', expiringSoon: false },
    });
    expect(stored.ok && stored.data.daysLeft).toBeGreaterThanOrEqual(363);
    const got = await admin.emitWithAck('certificate:get', {});
    expect(got).toEqual({ ok: true, data: { certificate: stored.ok ? stored.data : null } });
    expect(JSON.stringify(got)).not.toContain('muy-secreta');
  });
});

describe('dte:retry through the worker', () => {
  let tenant: TestTenant;
  let admin: TestClient;
  let till: Till;
  let saleId: string;
  let productId: string;

  async function sell(id = randomUUID()) {
    const sale = await till.socket.emitWithAck('sale:commit', {
      saleId: id,
      terminalId: till.terminalId,
      cashSessionId: till.cashSessionId,
      docType: 39,
      lines: [{ productId, quantity: '1', unitPrice: 1190 }],
      payments: [{ method: 'cash', tendered: 2000 }],
    });
    if (!sale.ok) throw new Error(JSON.stringify(sale.error));
    return { saleId: id, folio: sale.data.folio };
  }

  async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return withTenant(server.orm, tenant.tenantId, (em) => em.execute<T[]>(sql, params));
  }

  beforeAll(async () => {
    tenant = await createTestTenant(server, 'dte-retry');
    const products = await addProducts(server, tenant);
    await receiveStock(server, tenant, tenant.stores[0]!.warehouseId, [products[1]!.id], '100');
    await addCaf(server, tenant, 39, 1, 50);
    till = await openTill(server, tenant, tenant.stores[0]!.terminalIds[0]!);
    admin = await backOffice(tenant);
    pipeline = await startTestPipeline([tenant.tenantId]);
    productId = products[1]!.id;
    saleId = (await sell()).saleId;
  }, 60_000);
  afterAll(() => {
    till?.socket.close();
    admin?.close();
  });

  it('signs a failed document again once the certificate is loaded: stamped → … → accepted, pushed live', async () => {
    // No certificate yet: signing fails for good.
    const documentId = await documentFailedToSign(
      pipeline!,
      server.orm,
      tenant.tenantId,
      saleId,
      'Cargue el certificado digital de la empresa para firmar documentos.',
    );
    const pfx = makeTestCertificate({ rut: '11111111-1', name: 'Firmante', password: 'clave' });
    const stored = await admin.emitWithAck('certificate:upload', {
      pfxBase64: pfx.toString('base64'),
      password: 'clave',
    });
    expect(stored.ok).toBe(true);

    const pushed: DteStatusChange[] = [];
    admin.on('dte:status', ({ changes }) => pushed.push(...changes));
    const retried = await admin.emitWithAck('dte:retry', { documentId });
    expect(retried).toEqual({ ok: true, data: { state: 'stamped' } });
    await waitFor('accepted', () => pushed.some((c) => c.state === 'accepted'), 60_000);
    expect(pushed.map((c) => [c.documentId, c.state])).toEqual(
      ['stamped', 'signed', 'in_envelope', 'uploaded', 'accepted'].map((state) => [documentId, state]),
    );
    expect(pushed[0]!.detail).toBe('Reintento solicitado en el back office.');

    const history = await admin.emitWithAck('dte:history', { documentId });
    expect(history.ok && history.data.events.map((e) => [e.state, e.detail])).toEqual([
      ['stamped', null],
      ['failed', 'Cargue el certificado digital de la empresa para firmar documentos.'],
      ['stamped', 'Reintento solicitado en el back office.'],
      ['signed', null],
      ['in_envelope', null],
      ['uploaded', null],
      ['accepted', expect.any(String)],
    ]);
    expect(pipeline!.simulator.stats.folioArrivals.get(`${RUT}-39-1`)).toBe(1);

    // A final document has nothing to retry.
    const again = await admin.emitWithAck('dte:retry', { documentId });
    expect(again).toEqual({
      ok: false,
      error: { code: 'CONFLICT', message: 'El documento no tiene un envío fallido que reintentar.' },
    });
  }, 90_000);

  it('sends again an envelope whose upload gave up, never while it is still being tried, each folio once', async () => {
    const simulator = pipeline!.simulator;
    simulator.setFaults({ uploadErrors: 1_000_000 });
    try {
      // Sold at once, so both are usually signed in the same envelope window (200 ms, aligned to
      // the clock); a busy machine may still sign them on either side of a boundary, and then each
      // envelope is retried on its own.
      const sales = await Promise.all([sell(), sell()]);
      const stuck = await waitFor('both documents in a failing envelope', async () => {
        const rows = await query<{ id: string; envelope_id: string; last_response: string | null }>(
          `select d.id, d.envelope_id, e.last_response from dte_document d join dte_envelope e on e.id = d.envelope_id
            where d.sale_id = any(?::uuid[]) and d.state = 'in_envelope' and e.state = 'built'`,
          [`{${sales.map((s) => s.saleId).join(',')}}`],
        );
        return rows.length === 2 && rows.every((r) => r.last_response) && rows;
      });
      const envelopeIds = [...new Set(stuck.map((r) => r.envelope_id))];

      // Still within its upload retries: a retry could send the documents twice.
      const early = await admin.emitWithAck('dte:retry', { documentId: stuck[0]!.id });
      expect(early).toEqual({
        ok: false,
        error: {
          code: 'CONFLICT',
          message: 'El envío de este documento todavía se está intentando. Espere unos minutos.',
        },
      });

      // Twenty minutes later the upload job has given up.
      await query(
        `update dte_envelope set created_at = created_at - interval '20 minutes' where id = any(?::uuid[])`,
        [`{${envelopeIds.join(',')}}`],
      );
      const pushed: DteStatusChange[] = [];
      admin.on('dte:status', ({ changes }) => pushed.push(...changes));
      for (const envelopeId of envelopeIds) {
        const member = stuck.find((r) => r.envelope_id === envelopeId)!;
        const retried = await admin.emitWithAck('dte:retry', { documentId: member.id });
        expect(retried).toEqual({ ok: true, data: { state: 'signed' } });
      }
      simulator.setFaults({ uploadErrors: 0 });

      const ids = stuck.map((r) => r.id).sort();
      await waitFor(
        'both accepted',
        () => ids.every((id) => pushed.some((c) => c.documentId === id && c.state === 'accepted')),
        60_000,
      );
      for (const id of ids) {
        expect(pushed.filter((c) => c.documentId === id).map((c) => c.state)).toEqual([
          'signed',
          'in_envelope',
          'uploaded',
          'accepted',
        ]);
      }
      const old = await query<{ state: string; last_response: string }>(
        'select state, last_response from dte_envelope where id = any(?::uuid[])',
        [`{${envelopeIds.join(',')}}`],
      );
      expect(old).toEqual(
        envelopeIds.map(() => ({
          state: 'refused',
          last_response: 'Reintento solicitado en el back office.',
        })),
      );
      for (const { folio } of sales) expect(simulator.stats.folioArrivals.get(`${RUT}-39-${folio}`)).toBe(1);
    } finally {
      simulator.setFaults({ uploadErrors: 0 });
      admin.off('dte:status');
    }
  }, 120_000);
});
