/**
 * The SII pipeline end to end on real PostgreSQL and Redis: sales committed through the POS
 * socket, the outbox relay, the BullMQ jobs and the SII simulator over HTTP. One tenant and one
 * simulator for the file (the simulator refuses repeated folios of a RUT, as the SII does), tests
 * in sequence; each test stops the workers it started. The workers relay only this file's tenant
 * (`SII_RELAY_TENANTS`): other test files' sales in the shared database are never taken. Every
 * wait is bounded, and spawned workers are always killed, whatever fails.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import type { DteStatusChange } from '@erp/shared';
import { makeTestCertificate } from '@erp/sii-core/test-authority';
import { run, writeStandalone, xmllintSchema, xmlsecVerify } from '@erp/sii-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type TestClient,
  type TestServer,
  type TestTenant,
  testConfig,
  tokenFor,
} from '../../test/harness.ts';
import { startRedis, type TestRedis } from '../../test/redis-server.ts';
import type { TestProduct, Till } from '../../test/selling.ts';
import { useSellingFixture } from '../../test/selling-fixture.ts';
import { waitUntil } from '../../test/wait.ts';
import { createLogger } from '../platform/logger.ts';
import { withTenant } from '../platform/orm.ts';
import { storeCertificate } from './certificate.store.ts';
import { insertEnvelope, startUploadAttempt } from './envelope.queries.ts';
import { type SiiWorker, startSiiWorker } from './sii.worker.ts';
import { SiiSimulator } from './simulator/simulator.ts';

const WORKER_MAIN = fileURLToPath(new URL('../worker.ts', import.meta.url));
const FINAL = ['accepted', 'objected', 'rejected', 'failed'];

let server: TestServer;
let tenant: TestTenant;
/** Another tenant, for the cross-tenant download checks; it never sells. */
let other: TestTenant;
let products: TestProduct[];
let till: Till;
let backoffice: TestClient;
let simulator: SiiSimulator;
let simulatorUrl: string;
const queuePrefix = `erp-sii-${randomBytes(3).toString('hex')}`;
const PFX_PASSWORD = 'clave-del-pfx-7Qz';

/** Worker settings for tests: fast polls, retries, windows and stalled-job recovery. */
function workerEnv(extra: Record<string, string> = {}): Record<string, string> {
  return {
    SII_SIMULATOR_URL: simulatorUrl,
    SII_STATUS_POLL_MS: '100',
    SII_RETRY_DELAY_MS: '100',
    // The simulator processes an envío in 200 ms unless a test says otherwise.
    SII_RECONCILE_AFTER_MS: '600',
    SII_ENVELOPE_WINDOW_MS: '200',
    // Generous on a busy machine (the simulator's first check, with the schemas still to load,
    // takes seconds there): an upload that times out is reconciled, one more step in its history.
    SII_HTTP_TIMEOUT_MS: '15000',
    SII_JOB_LOCK_MS: '2000',
    SII_STALLED_INTERVAL_MS: '500',
    SII_RELAY_TENANTS: tenant.tenantId,
    REDIS_PREFIX: queuePrefix,
    ...extra,
  };
}

/** An in-process worker on this file's queues; it announces on the API servers' stream. */
function startWorker(
  extra: Record<string, string> = {},
  logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent', 'worker'),
): Promise<SiiWorker> {
  const { REDIS_PREFIX: _ownPrefix, ...env } = workerEnv(extra);
  return startSiiWorker(testConfig(env), logger, { queuePrefix: `${queuePrefix}-bull` });
}

/** Rejects when `promise` takes longer than `ms`: a stuck close fails the test instead of hanging CI. */
function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

const closeWorker = (worker: SiiWorker | undefined) =>
  worker && within(15_000, 'worker close', worker.close());

/**
 * The worker as its own process (`server/src/worker.ts`), relaying only this file's tenant.
 * WORKER_LOG_LEVEL (e.g. `warn`) shows its logs when debugging a test.
 */
function spawnWorkerProcess(extra: Record<string, string> = {}): ChildProcess {
  const level = process.env.WORKER_LOG_LEVEL;
  const env = { ...process.env, ...workerEnv(extra), NODE_ENV: 'test', LOG_LEVEL: level ?? 'silent' };
  return spawn(process.execPath, [WORKER_MAIN], {
    env,
    stdio: ['ignore', level ? 'inherit' : 'ignore', 'inherit'],
  });
}

/** SIGKILLs a spawned worker and waits (bounded) for it to be gone; a child already dead is fine. */
async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await within(5_000, 'worker exit', exited);
}

/** CPU seconds (user + system) a process has used so far, from /proc (clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
  return withTenant(server.orm, tenant.tenantId, (em) => em.execute<T[]>(sql, params));
}

interface Sold {
  saleId: string;
  folio: number;
  ted: string;
}

/** `count` boletas through the till's socket, `parallel` commits in flight at a time. */
async function sellMany(count: number, parallel = 8): Promise<Sold[]> {
  const sold: Sold[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next++ < count) sold.push(await sell(39));
    }),
  );
  return sold;
}

async function sell(docType: 39 | 33 = 39): Promise<Sold> {
  const result = await till.socket.emitWithAck('sale:commit', {
    saleId: randomUUID(),
    terminalId: till.terminalId,
    cashSessionId: till.cashSessionId,
    docType,
    ...(docType === 33
      ? {
          customer: {
            rut: '77777777-7',
            razonSocial: 'Cliente Factura SpA',
            giro: 'Comercio',
            address: 'Calle 2',
            comuna: 'Santiago',
          },
        }
      : {}),
    lines: [{ productId: products[1]!.id, quantity: '1', unitPrice: 1190 }],
    payments: [{ method: 'cash', tendered: 2000 }],
  });
  if (!result.ok) throw new Error(JSON.stringify(result.error));
  return { saleId: result.data.saleId, folio: result.data.folio, ted: result.data.ted };
}

const waitFor = <T>(what: string, probe: () => Promise<T | undefined | false>, ms = 20_000) =>
  waitUntil(what, probe, ms, 100);

/** Waits until every document of these sales is in a final state; returns them. */
async function allFinal(saleIds: string[], ms?: number) {
  let states = '';
  try {
    return await waitFor(
      'final states',
      async () => {
        const rows = await query<{
          sale_id: string;
          state: string;
          folio: number;
          sii_detail: string | null;
        }>('select sale_id, state, folio, sii_detail from dte_document where sale_id = any(?::uuid[])', [
          `{${saleIds.join(',')}}`,
        ]);
        const count = (state: string) => rows.filter((r) => r.state === state).length;
        states = `${saleIds.length - rows.length} without document; ${[...new Set(rows.map((r) => r.state))].map((s) => `${s} ${count(s)}`).join(', ')}`;
        return rows.length === saleIds.length && rows.every((r) => FINAL.includes(r.state)) && rows;
      },
      ms,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message} (${states})`);
  }
}

const pdfDir = mkdtempSync(join(tmpdir(), 'sii-pipeline-'));

/** A valid PDF's text and page info (poppler); fails on anything that is not a PDF. */
function pdfText(pdf: Buffer): { text: string; info: string } {
  expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
  const file = join(pdfDir, `${randomUUID()}.pdf`);
  writeFileSync(file, pdf);
  const text = run('pdftotext', [file, '-']);
  expect(text.status).toBe(0);
  return { text: text.output.replace(/\s+/g, ' '), info: run('pdfinfo', [file]).output };
}

/** The accepted boleta of the first test, downloaded by the next one. */
let accepted: { boleta: { id: string; folio: number; xml: string }; facturaSaleId: string } | undefined;

function arrivalsOf(folios: number[], type = 39): number[] {
  return folios.map((f) => simulator.stats.folioArrivals.get(`76192083-9-${type}-${f}`) ?? 0);
}

const shop = useSellingFixture({
  label: 'sii',
  others: ['sii-other'],
  stock: '100000',
  stocked: [1],
  cafs: [
    [39, 1, 5000],
    [33, 1, 100],
  ],
});
beforeAll(async () => {
  ({ server, tenant, products, till } = shop);
  other = shop.tenants[1]!;
  const pfx = makeTestCertificate({ rut: '11111111-1', name: 'Firmante Prueba', password: PFX_PASSWORD });
  await withTenant(server.orm, tenant.tenantId, (em) =>
    storeCertificate(em, server.secrets, tenant.tenantId, pfx, PFX_PASSWORD),
  );
  backoffice = await shop.signIn(tenant, tenant.emails.admin, { screen: 'backoffice' });
  simulator = new SiiSimulator();
  simulatorUrl = await simulator.listen();
});

afterAll(async () => {
  await simulator?.close();
});

describe('SII pipeline', () => {
  it('takes a boleta and a factura from sale to accepted, with the full history pushed live', async () => {
    const pushed: DteStatusChange[] = [];
    backoffice.on('dte:status', ({ changes }) => pushed.push(...changes));
    const worker = await startWorker();
    try {
      const boleta = await sell(39);
      const factura = await sell(33);
      const rows = await allFinal([boleta.saleId, factura.saleId]);
      expect(rows.map((r) => r.state)).toEqual(['accepted', 'accepted']);

      const [doc] = await query<{ id: string; signed_xml: string; track_id: string }>(
        'select id, signed_xml, track_id from dte_document where sale_id = ?',
        [boleta.saleId],
      );
      // Same CAF, same TSTED: the TED inside the signed DTE is the one printed at the till.
      const [sale] = await query<{ ted: string }>('select ted from sale where id = ?', [boleta.saleId]);
      expect(doc!.signed_xml).toContain(sale!.ted);
      expect(doc!.track_id).toMatch(/^\d{15}$/);
      const history = await query<{ state: string }>(
        'select state from dte_event where document_id = ? order by id',
        [doc!.id],
      );
      expect(history.map((h) => h.state)).toEqual([
        'stamped',
        'signed',
        'in_envelope',
        'uploaded',
        'accepted',
      ]);
      await waitFor('live events', async () =>
        pushed.some((c) => c.saleId === boleta.saleId && c.state === 'accepted'),
      );
      expect(pushed.filter((c) => c.saleId === boleta.saleId).map((c) => c.state)).toEqual([
        'signed',
        'in_envelope',
        'uploaded',
        'accepted',
      ]);
      const [facturaDoc] = await query<{ track_id: string }>(
        'select track_id from dte_document where sale_id = ?',
        [factura.saleId],
      );
      expect(facturaDoc!.track_id).toMatch(/^\d{10}$/);

      // The worker renders each accepted document once: a roll for the boleta, letter for the factura.
      const pdfs = await waitFor('stored PDFs', async () => {
        const rows = await query<{ sale_id: string; folio: number; format: string; pdf: Buffer }>(
          `select d.sale_id, d.folio, p.format, p.pdf from dte_pdf p join dte_document d on d.id = p.document_id
            where d.sale_id = any(?::uuid[])`,
          [`{${boleta.saleId},${factura.saleId}}`],
        );
        return rows.length === 2 && rows;
      });
      for (const [sale, format, pageSize] of [
        [boleta, 'thermal', /Page size:\s+22[67]\.\d+ x/],
        [factura, 'letter', /Page size:\s+612 x 792/],
      ] as const) {
        const stored = pdfs.find((p) => p.sale_id === sale.saleId)!;
        expect(stored.format).toBe(format);
        const { text, info } = pdfText(stored.pdf);
        expect(text).toContain(`N° ${sale.folio}`);
        expect(info).toMatch(pageSize);
      }
      accepted = {
        boleta: { id: doc!.id, folio: boleta.folio, xml: doc!.signed_xml },
        facturaSaleId: factura.saleId,
      };
    } finally {
      backoffice.off('dte:status');
      await closeWorker(worker);
    }
  });

  it('downloads the signed XML and the PDF: owner/admin of the tenant only, another tenant sees nothing', async () => {
    const { boleta } = accepted!;
    const download = async (slug: string, kind: 'xml' | 'pdf', email?: string, query = '') => {
      const headers: Record<string, string> = email
        ? { authorization: `Bearer ${await tokenFor(server.url, email)}` }
        : {};
      const response = await fetch(`${server.url}/api/t/${slug}/dte/${boleta.id}/${kind}${query}`, {
        headers,
      });
      const body = Buffer.from(await response.arrayBuffer());
      return { status: response.status, type: response.headers.get('content-type'), body };
    };

    const xml = await download(tenant.slug, 'xml', tenant.emails.admin);
    expect(xml).toMatchObject({ status: 200, type: 'application/xml; charset=ISO-8859-1' });
    expect(xml.body.equals(Buffer.from(boleta.xml, 'latin1'))).toBe(true);

    const [stored] = await query<{ pdf: Buffer }>('select pdf from dte_pdf where document_id = ?', [
      boleta.id,
    ]);
    const pdf = await download(tenant.slug, 'pdf', tenant.emails.owner);
    expect(pdf).toMatchObject({ status: 200, type: 'application/pdf' });
    expect(pdf.body.equals(stored!.pdf)).toBe(true);
    // Another format is rendered on demand.
    const letter = await download(tenant.slug, 'pdf', tenant.emails.admin, '?format=letter');
    expect(letter.status).toBe(200);
    expect(pdfText(letter.body).info).toMatch(/Page size:\s+612 x 792/);
    expect((await download(tenant.slug, 'pdf', tenant.emails.admin, '?format=a4')).status).toBe(400);

    // The other tenant's admin, through their own tenant: the id does not exist there.
    const foreign = await download(other.slug, 'xml', other.emails.admin);
    expect(foreign.status).toBe(404);
    expect(JSON.parse(foreign.body.toString()).error.code).toBe('NOT_FOUND');
    expect((await download(other.slug, 'pdf', other.emails.admin)).status).toBe(404);
    // …and through ours: no membership.
    expect((await download(tenant.slug, 'xml', other.emails.admin)).status).toBe(403);
    for (const role of ['cashier', 'supervisor'] as const) {
      const refused = await download(tenant.slug, 'xml', tenant.emails[role]);
      expect(refused.status).toBe(403);
      expect(JSON.parse(refused.body.toString()).error.code).toBe('FORBIDDEN');
    }
    const anonymous = await download(tenant.slug, 'pdf');
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body.toString()).error.code).toBe('UNAUTHENTICATED');
  });

  it('retries through three HTTP 500s: accepted, uploaded once, never duplicated at the SII', async () => {
    const worker = await startWorker();
    try {
      const received = simulator.stats.uploadsReceived;
      simulator.setFaults({ uploadErrors: 3 });
      const sale = await sell(39);
      const [row] = await allFinal([sale.saleId]);
      expect(row!.state).toBe('accepted');
      expect(simulator.faults.uploadErrors).toBe(0);
      expect(simulator.stats.uploadsReceived - received).toBe(1);
      expect(arrivalsOf([sale.folio])).toEqual([1]);
    } finally {
      simulator.setFaults({ uploadErrors: 0 });
      await closeWorker(worker);
    }
  });

  it('shows a rejected document with the SII reason and never reuses its folio', async () => {
    const worker = await startWorker();
    try {
      const [{ next }] = (await query<{ next: number }>(
        'select next_folio as next from caf where doc_type = 39 and next_folio <= folio_to order by folio_from limit 1',
      )) as [{ next: number }];
      simulator.setFaults({
        rejections: { [`39-${next}`]: { code: 'RCH', reason: 'Monto total no cuadra (prueba)' } },
      });
      const rejected = await sell(39);
      expect(rejected.folio).toBe(next);
      const following = await sell(39);
      const rows = await allFinal([rejected.saleId, following.saleId]);
      const byFolio = new Map(rows.map((r) => [r.folio, r]));
      expect(byFolio.get(rejected.folio)).toMatchObject({
        state: 'rejected',
        sii_detail: 'RCH: Monto total no cuadra (prueba)',
      });
      expect(byFolio.get(following.folio)!.state).toBe('accepted');
      expect(following.folio).toBe(rejected.folio + 1);
      const reused = await query<{ n: number }>(
        'select count(*)::int as n from sale where doc_type = 39 and folio = ?',
        [rejected.folio],
      );
      expect(reused[0]!.n).toBe(1);
    } finally {
      simulator.setFaults({ rejections: {} });
      await closeWorker(worker);
    }
  });

  it('treats refused and expired tokens as passing problems, and logs the failures without any secret', async () => {
    const lines: string[] = [];
    const capture = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const worker = await startWorker({}, createLogger('debug', 'worker', capture));
    try {
      // The first token requests are refused, the first upload and status answer HTTP 500.
      simulator.setFaults({ tokenRefusals: 2, uploadErrors: 1, statusErrors: 1 });
      const first = [await sell(39), await sell(33)];
      expect((await allFinal(first.map((s) => s.saleId))).map((r) => r.state)).toEqual([
        'accepted',
        'accepted',
      ]);
      // Tokens expire at the SII: the worker gets new ones.
      simulator.revokeTokens();
      const second = [await sell(39), await sell(33)];
      expect((await allFinal(second.map((s) => s.saleId))).map((r) => r.state)).toEqual([
        'accepted',
        'accepted',
      ]);
      const history = await query<{ state: string }>(
        `select e.state from dte_event e join dte_document d on d.id = e.document_id where d.sale_id = any(?::uuid[])`,
        [`{${[...first, ...second].map((s) => s.saleId).join(',')}}`],
      );
      expect(history.filter((h) => h.state === 'rejected' || h.state === 'failed')).toEqual([]);
      expect(arrivalsOf([first[0]!.folio, second[0]!.folio])).toEqual([1, 1]);
    } finally {
      simulator.setFaults({ tokenRefusals: 0, uploadErrors: 0, statusErrors: 0 });
      await closeWorker(worker);
    }
    const log = lines.join('');
    expect(log).toContain('no entregó un token');
    expect(log).toContain('HTTP 500');
    const [caf] = await query<{ private_key_sealed: string }>('select private_key_sealed from caf limit 1');
    const cafKey = server.secrets.open(caf!.private_key_sealed, tenant.tenantId).toString();
    const secrets = [
      ...simulator.stats.tokensIssued,
      PFX_PASSWORD,
      testConfig().SECRETS_KEY!,
      cafKey.split('\n')[1]!,
      'PRIVATE KEY',
    ];
    expect(simulator.stats.tokensIssued.length).toBeGreaterThan(2);
    expect(secrets.filter((secret) => log.includes(secret))).toEqual([]);
  });

  it('times out an upload the SII never answers, finds it never arrived and sends it again: accepted, received once', async () => {
    // Long enough for the re-send to be answered on a busy machine: an upload that outlasts the
    // timeout may still be processed after the worker stopped waiting, later than it asks again.
    const worker = await startWorker({ SII_HTTP_TIMEOUT_MS: '3000' });
    try {
      simulator.setFaults({ uploadHangs: 1 });
      const requests = simulator.stats.uploadRequests;
      const questions = simulator.stats.documentQueries;
      const sale = await sell(39);
      const [row] = await allFinal([sale.saleId]);
      expect(row!.state).toBe('accepted');
      expect(simulator.faults.uploadHangs).toBe(0);
      // The hung request, then the one sent after the SII said it had nothing (FAU).
      expect(simulator.stats.uploadRequests - requests).toBe(2);
      expect(simulator.stats.documentQueries - questions).toBe(1);
      expect(arrivalsOf([sale.folio])).toEqual([1]);
    } finally {
      simulator.setFaults({ uploadHangs: 0 });
      await closeWorker(worker);
    }
  });

  for (const docType of [39, 33] as const) {
    it(`asks the SII about a ${docType === 39 ? 'boleta' : 'factura'} whose upload answer was lost: accepted, received once, never rejected`, async () => {
      const worker = await startWorker();
      try {
        const received = simulator.stats.uploadsReceived;
        const questions = simulator.stats.documentQueries;
        // The SII takes the envelope, then the connection drops before its answer.
        simulator.setFaults({ uploadDrops: 1 });
        const sale = await sell(docType);
        const [row] = await allFinal([sale.saleId]);
        expect(row!.state).toBe('accepted');
        expect(simulator.faults.uploadDrops).toBe(0);
        expect(simulator.stats.uploadsReceived - received).toBe(1);
        expect(arrivalsOf([sale.folio], docType)).toEqual([1]);
        expect(simulator.stats.documentQueries - questions).toBeGreaterThan(0);

        const history = await query<{ state: string; detail: string | null }>(
          `select e.state, e.detail from dte_event e join dte_document d on d.id = e.document_id
            where d.sale_id = ? order by e.id`,
          [sale.saleId],
        );
        expect(history.map((h) => [h.state, h.detail])).toEqual([
          ['stamped', null],
          ['signed', null],
          ['in_envelope', null],
          ['in_envelope', 'Verificando con el SII…'],
          ['accepted', 'DOK: Documento Recibido por el SII. Datos Coinciden con los Registrados.'],
        ]);
        const [envelope] = await query<{ state: string; track_id: string | null; upload_attempts: number }>(
          `select e.state, e.track_id, e.upload_attempts from dte_envelope e
             join dte_document d on d.envelope_id = e.id where d.sale_id = ?`,
          [sale.saleId],
        );
        // Finished by asking for the document: the track id went with the lost answer.
        expect(envelope).toEqual({ state: 'done', track_id: null, upload_attempts: 1 });
        await waitFor('its PDF', async () => {
          const [pdf] = await query<{ n: number }>(
            'select count(*)::int as n from dte_pdf p join dte_document d on d.id = p.document_id where d.sale_id = ?',
            [sale.saleId],
          );
          return pdf!.n === 1;
        });
      } finally {
        simulator.setFaults({ uploadDrops: 0 });
        await closeWorker(worker);
      }
    });
  }

  it('lets one of two runs of an upload job send: the mark before a request is taken once per attempt', async () => {
    const envelopeId = randomUUID();
    await withTenant(server.orm, tenant.tenantId, (em) =>
      insertEnvelope(em, { id: envelopeId, kind: 'EnvioBOLETA', xml: Buffer.from('<x/>'), documentIds: [] }),
    );
    try {
      // Both read the envelope with no attempt yet; their marks race on the row.
      const mark = () =>
        withTenant(server.orm, tenant.tenantId, (em) => startUploadAttempt(em, envelopeId, 0, 20_000));
      expect((await Promise.all([mark(), mark()])).sort()).toEqual([false, true]);
      const [row] = await query<{ upload_attempts: number; in_flight: boolean }>(
        `select upload_attempts, upload_outcome_unknown_at > now() + interval '10 seconds' as in_flight
           from dte_envelope where id = ?`,
        [envelopeId],
      );
      // Counted once, and possibly in flight until the request's timeout.
      expect(row).toEqual({ upload_attempts: 1, in_flight: true });
    } finally {
      await query(`update dte_envelope set state = 'refused' where id = ?`, [envelopeId]);
    }
  });

  it('sends anew only the documents a lost upload did not leave at the SII (refused in the lost envío)', async () => {
    // A long envelope window puts both sales in one envelope even on a busy machine.
    const worker = await startWorker({ SII_ENVELOPE_WINDOW_MS: '2000' });
    try {
      const [{ next }] = (await query<{ next: number }>(
        'select next_folio as next from caf where doc_type = 39 and next_folio <= folio_to order by folio_from limit 1',
      )) as [{ next: number }];
      // The SII takes the envelope, refuses one boleta in it (so it registers only the other), and
      // the answer is lost.
      simulator.setFaults({
        uploadDrops: 1,
        rejections: { [`39-${next + 1}`]: { code: 'RCH', reason: 'Monto total no cuadra (prueba)' } },
      });
      const received = simulator.stats.uploadsReceived;
      const sales = await Promise.all([sell(39), sell(39)]);
      const rows = await allFinal(sales.map((s) => s.saleId));
      const byFolio = new Map(rows.map((r) => [r.folio, r]));
      expect(byFolio.get(next)).toMatchObject({ state: 'accepted' });
      // Not held by the SII, it travelled again in a new envelope; refused again, with the reason.
      expect(byFolio.get(next + 1)).toMatchObject({
        state: 'rejected',
        sii_detail: 'RCH: Monto total no cuadra (prueba)',
      });
      expect(simulator.stats.uploadsReceived - received).toBe(2);
      expect(arrivalsOf([next, next + 1])).toEqual([1, 2]);
      const history = await query<{ folio: number; state: string; detail: string | null }>(
        `select d.folio, e.state, e.detail from dte_event e join dte_document d on d.id = e.document_id
          where d.sale_id = any(?::uuid[]) order by e.id`,
        [`{${sales.map((s) => s.saleId).join(',')}}`],
      );
      const steps = (folio: number) =>
        history.filter((h) => h.folio === folio).map((h) => [h.state, h.detail]);
      expect(steps(next).map(([state]) => state)).toEqual([
        'stamped',
        'signed',
        'in_envelope',
        'in_envelope',
        'accepted',
      ]);
      expect(steps(next + 1).slice(2)).toEqual([
        ['in_envelope', null],
        ['in_envelope', 'Verificando con el SII…'],
        ['signed', 'El SII no lo recibió: va en otro sobre.'],
        ['in_envelope', null],
        ['uploaded', null],
        ['rejected', 'RCH: Monto total no cuadra (prueba)'],
      ]);
    } finally {
      simulator.setFaults({ uploadDrops: 0, rejections: {} });
      await closeWorker(worker);
    }
  });

  it('records what the SII holds of a copy refused as repeated, and still records real rejections', async () => {
    // The worker does not wait for the SII to process a lost upload, so it sends it again, and the
    // second copy is refused as repeated: the documents' outcome must come from what the SII holds.
    const worker = await startWorker({ SII_RECONCILE_AFTER_MS: '0' });
    try {
      const received = simulator.stats.uploadsReceived;
      simulator.setFaults({ uploadDrops: 2, statusDelayMs: 1_500 });
      const sales = [await sell(39), await sell(33)];
      const rows = await allFinal(
        sales.map((s) => s.saleId),
        45_000,
      );
      expect(rows.map((r) => r.state)).toEqual(['accepted', 'accepted']);
      expect(simulator.stats.uploadsReceived - received).toBe(4);
      expect([...arrivalsOf([sales[0]!.folio], 39), ...arrivalsOf([sales[1]!.folio], 33)]).toEqual([2, 2]);
      const history = await query<{ state: string }>(
        `select e.state from dte_event e join dte_document d on d.id = e.document_id
          where d.sale_id = ? order by e.id`,
        [sales[0]!.saleId],
      );
      expect(history.map((h) => h.state)).toEqual([
        'stamped',
        'signed',
        'in_envelope',
        'in_envelope',
        'uploaded',
        'accepted',
      ]);
      const [doc] = await query<{ sii_status: string; sii_detail: string }>(
        'select sii_status, sii_detail from dte_document where sale_id = ?',
        [sales[0]!.saleId],
      );
      expect(doc).toEqual({
        sii_status: 'DOK',
        sii_detail: 'DOK: Documento Recibido por el SII. Datos Coinciden con los Registrados.',
      });
      const everyState = await query<{ state: string }>(
        `select e.state from dte_event e join dte_document d on d.id = e.document_id where d.sale_id = any(?::uuid[])`,
        [`{${sales.map((s) => s.saleId).join(',')}}`],
      );
      expect(everyState.filter((e) => e.state === 'rejected')).toEqual([]);

      // A rejection for a reason of its own is recorded as it comes; one that says "repetido" of
      // a document the SII does not hold stays a rejection too.
      simulator.setFaults({ statusDelayMs: 200 });
      const [{ next }] = (await query<{ next: number }>(
        'select next_folio as next from caf where doc_type = 39 and next_folio <= folio_to order by folio_from limit 1',
      )) as [{ next: number }];
      simulator.setFaults({
        rejections: {
          [`39-${next}`]: { code: 'RCH', reason: 'Monto total no cuadra (prueba)' },
          [`39-${next + 1}`]: { code: 'RCH', reason: 'DTE repetido (prueba)' },
        },
      });
      const real = await sell(39);
      const unconfirmed = await sell(39);
      expect([real.folio, unconfirmed.folio]).toEqual([next, next + 1]);
      const rejected = await allFinal([real.saleId, unconfirmed.saleId]);
      expect(new Map(rejected.map((r) => [r.folio, [r.state, r.sii_detail]]))).toEqual(
        new Map([
          [next, ['rejected', 'RCH: Monto total no cuadra (prueba)']],
          [next + 1, ['rejected', 'RCH: DTE repetido (prueba) (FAU: Documento No Recibido por el SII.)']],
        ]),
      );
    } finally {
      simulator.setFaults({ uploadDrops: 0, statusDelayMs: 200, rejections: {} });
      await closeWorker(worker);
    }
  }, 60_000);

  it('recovers from kill -9 of the worker mid-signing and mid-upload: every document final, none twice', async () => {
    const children: ChildProcess[] = [];
    const spawnWorker = () => void children.push(spawnWorkerProcess());
    const sales: { saleId: string; folio: number }[] = [];
    for (let i = 0; i < 120; i++) sales.push(await sell(39));
    const ids = sales.map((s) => s.saleId);
    const count = async (states: string) =>
      (
        await query<{ n: number }>(
          `select count(*)::int as n from dte_document where sale_id = any(?::uuid[]) and state = any(?::text[])`,
          [`{${ids.join(',')}}`, `{${states}}`],
        )
      )[0]!.n;

    try {
      // Killed while signing: some documents signed, others not yet.
      spawnWorker();
      await waitFor(
        'first signatures',
        async () => (await count('signed,in_envelope,uploaded,accepted')) >= 10,
      );
      await killChild(children.at(-1)!);

      // Killed while uploading: the simulator holds the upload long enough to kill the worker.
      simulator.setFaults({ slowMs: 1200 });
      const uploads = simulator.stats.uploadRequests;
      spawnWorker();
      await waitFor('an upload in flight', async () => simulator.stats.uploadRequests > uploads, 30_000);
      await killChild(children.at(-1)!);
      simulator.setFaults({ slowMs: 0 });

      spawnWorker();
      const rows = await allFinal(ids, 45_000);
      expect(rows.filter((r) => r.state !== 'accepted')).toEqual([]);
      expect(arrivalsOf(sales.map((s) => s.folio))).toEqual(sales.map(() => 1));
      const events = await query<{ n: number; distinct_docs: number }>(
        `select count(*)::int as n, count(distinct document_id)::int as distinct_docs from dte_event e
           join dte_document d on d.id = e.document_id where d.sale_id = any(?::uuid[]) and e.state = 'accepted'`,
        [`{${ids.join(',')}}`],
      );
      expect(events[0]).toEqual({ n: ids.length, distinct_docs: ids.length });
    } finally {
      simulator.setFaults({ slowMs: 0 });
      for (const child of children) await killChild(child);
    }
  }, 90_000);

  // Runs after the kill -9 test on purpose: killed workers leave nothing that can take these sales.
  // The worker is its own process, so its CPU can be measured (and a busy-looping worker cannot
  // starve this test's timers). The private Redis keeps no data: its restart also loses every
  // queued job, which the worker must rebuild from PostgreSQL.
  it('idles while Redis is down with jobs in flight; after it returns every committed sale is accepted', async () => {
    let redis: TestRedis | undefined;
    let worker: ChildProcess | undefined;
    try {
      redis = await startRedis();
      worker = spawnWorkerProcess({ REDIS_URL: redis.url });
      const first = await sell(39);
      await allFinal([first.saleId]);
      // Sales keep flowing; Redis goes away once an envelope waits for its status, with other
      // documents still being signed, enveloped or uploaded.
      simulator.setFaults({ statusDelayMs: 1_500 });
      const before: Sold[] = [];
      for (let i = 0; i < 30; i++) before.push(await sell(39));
      await waitFor('an envelope awaiting its status', async () => {
        const [row] = await query<{ n: number }>(
          `select count(*)::int as n from dte_document where sale_id = any(?::uuid[]) and state = 'uploaded'`,
          [`{${before.map((s) => s.saleId).join(',')}}`],
        );
        return row!.n > 0;
      });
      await redis.stop();
      const cpuAtStop = cpuSeconds(worker.pid!);
      const stoppedAt = Date.now();
      const during: Sold[] = [];
      for (let i = 0; i < 15; i++) during.push(await sell(39));
      await new Promise((r) => setTimeout(r, 3_000));
      // CPU seconds per second of outage: a worker looping on the dead connection shows ≈ 1.
      const cpuShare = (cpuSeconds(worker.pid!) - cpuAtStop) / ((Date.now() - stoppedAt) / 1000);
      expect(cpuShare).toBeLessThan(0.2);
      const pending = await query<{ n: number }>(
        `select count(*)::int as n from outbox where topic = 'sii.document' and processed_at is null and key = any(?::text[])`,
        [`{${during.map((s) => `sale-${s.saleId}`).join(',')}}`],
      );
      expect(pending[0]!.n).toBe(15);
      await redis.start();
      const rows = await allFinal(
        [...before, ...during].map((s) => s.saleId),
        45_000,
      );
      expect(rows.filter((r) => r.state !== 'accepted')).toEqual([]);
      expect(arrivalsOf([...before, ...during].map((s) => s.folio))).toEqual(
        [...before, ...during].map(() => 1),
      );
    } finally {
      simulator.setFaults({ statusDelayMs: 200 });
      if (worker) await killChild(worker);
      await redis?.stop();
    }
  }, 90_000);

  // One flush of a large backlog: the envelope step is held (its queue paused) until all 1,200
  // are signed, so it finds them all at once and must split them, 500 at most per EnvioBOLETA.
  it('splits 1,200 boletas committed at once into envelopes of at most 500, each valid for xmllint and xmlsec1: all accepted', async () => {
    const COUNT = 1200;
    const sales = await sellMany(COUNT);
    const ids = sales.map((s) => s.saleId);
    const inState = async (state: string) =>
      (
        await query<{ n: number }>(
          'select count(*)::int as n from dte_document where sale_id = any(?::uuid[]) and state = ?',
          [`{${ids.join(',')}}`, state],
        )
      )[0]!.n;
    // An upload of 500 documents waits for the simulator's checks of every signature.
    const worker = await startWorker({ SII_HTTP_TIMEOUT_MS: '90000' });
    try {
      await worker.deps.queues.envelope.pause();
      await waitFor('every document signed', async () => (await inState('signed')) === COUNT, 60_000);
      await worker.deps.queues.envelope.resume();
      const rows = await allFinal(ids, 90_000);
      expect(rows.filter((r) => r.state !== 'accepted')).toEqual([]);
      expect(arrivalsOf(sales.map((s) => s.folio))).toEqual(sales.map(() => 1));
    } finally {
      await worker.deps.queues.envelope.resume();
      await closeWorker(worker);
    }

    const envelopes = await query<{ id: string; document_count: number; xml: Buffer }>(
      `select id, document_count, xml from dte_envelope
        where id in (select envelope_id from dte_document where sale_id = any(?::uuid[]))`,
      [`{${ids.join(',')}}`],
    );
    expect(envelopes.map((e) => e.document_count).sort((a, b) => a - b)).toEqual([200, 500, 500]);
    const dir = mkdtempSync(join(tmpdir(), 'sii-split-'));
    for (const envelope of envelopes) {
      const file = join(dir, `${envelope.id}.xml`);
      writeFileSync(file, envelope.xml);
      const schema = xmllintSchema(file, 'sii-2025/schema_envio_bol/EnvioBOLETA_v11.xsd');
      expect(schema.output).toContain('validates');
      expect(schema.status).toBe(0);
      // The set's signature in place, and one DTE's in place (each DTE's cut out below).
      for (const verified of [xmlsecVerify(file), xmlsecVerify(file, "(//*[local-name()='Signature'])[1]")]) {
        expect(verified.output).toMatch(/^OK/m);
        expect(verified.status).toBe(0);
      }
      const xml = envelope.xml.toString('latin1');
      const dtes = xml.match(/<DTE [\s\S]*?<\/DTE>/g)!;
      expect(dtes).toHaveLength(envelope.document_count);
      const cut = dtes.map((dte, i) => {
        const standalone = join(dir, `${envelope.id}-${i}.xml`);
        writeStandalone(standalone, dte);
        return standalone;
      });
      const verified = xmlsecVerify(cut);
      expect(verified.output.match(/^OK$/gm)).toHaveLength(cut.length);
      expect(verified.status).toBe(0);
    }
  }, 240_000);
});
