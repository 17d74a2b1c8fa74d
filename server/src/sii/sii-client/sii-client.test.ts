/**
 * The SII clients against the simulator over HTTP: tokens per API and certificate reused until
 * they expire, a token the SII stopped accepting replaced once, the User-Agent the SII requires,
 * the answer codes mapped to what the pipeline does (accepted, with objections, rejected, pending,
 * refused for good, try later), what the SII holds of each document, and the hosts of each
 * environment.
 */
import { once } from 'node:events';
import { type AddressInfo, createServer } from 'node:net';
import type { DteType } from '@erp/shared';
import { buildDte, buildEnvelope, type SignedDte } from '@erp/sii-core';
import { ISSUER_RUT, SIGNER_RUT, sampleDocument, testCaf, testCredentials } from '@erp/sii-core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { siiHosts } from '../sii-target.ts';
import { SiiSimulator } from '../simulator/simulator.ts';
import { SiiRefusedError, SiiTokenRefusedError, SiiTransientError, SiiUncertainError } from './http.ts';
import { SiiClient } from './sii-client.ts';
import {
  documentOutcome,
  ENVIO_PENDING,
  ENVIO_REJECTED,
  type EnvioStatus,
  TOKEN_PROBLEMS,
  UPLOAD_STATUS,
} from './status-codes.ts';
import type { EnvioDocument, SiiSession } from './types.ts';

let simulator: SiiSimulator;
let session: SiiSession;
/** Folios per type never sent before to this simulator (it refuses repeated folios, as the SII). */
const nextFolio = new Map<number, number>();

function signed(type: DteType): SignedDte {
  const folio = nextFolio.get(type) ?? 1;
  nextFolio.set(type, folio + 1);
  return buildDte(sampleDocument(type, folio), { caf: testCaf(type), credentials: testCredentials() });
}

function envelope(dtes: SignedDte[]): Buffer {
  return buildEnvelope(dtes, { credentials: testCredentials() });
}

function asEnvioDocuments(dtes: SignedDte[]): EnvioDocument[] {
  return dtes.map((d) => ({
    type: d.type,
    folio: d.folio,
    total: d.totals.total,
    receiverRut: d.type === 39 || d.type === 41 ? '66666666-6' : '60803000-K',
    issueDate: d.issueDate,
  }));
}

/** Uploads the documents in one envelope and polls until the SII's answer is final. */
async function sendAndWait(client: SiiClient, dtes: SignedDte[]) {
  const boleta = dtes[0]!.type === 39 || dtes[0]!.type === 41;
  const { trackId } = await client.upload(session, boleta, envelope(dtes), 'envio.xml');
  let status: EnvioStatus;
  do {
    await new Promise((r) => setTimeout(r, 60));
    status = await client.status(session, trackId, asEnvioDocuments(dtes));
  } while (!status.final);
  return status;
}

beforeAll(async () => {
  simulator = new SiiSimulator();
  simulator.setFaults({ statusDelayMs: 50 });
  const url = await simulator.listen();
  session = {
    target: 'simulator',
    hosts: siiHosts('simulator', url),
    issuerRut: ISSUER_RUT,
    senderRut: SIGNER_RUT,
    certificateId: 'certificado-1',
    credentials: testCredentials(),
  };
});
afterAll(async () => {
  await simulator?.close();
});

describe('tokens', () => {
  it('asks one token per API and certificate and reuses it until it expires', async () => {
    let now = Date.now();
    const client = new SiiClient({ timeoutMs: 5_000, now: () => now });
    const issued = simulator.stats.tokensIssued.length;
    await sendAndWait(client, [signed(39)]);
    await sendAndWait(client, [signed(39), signed(39)]);
    // Boletas and facturas have their own token service.
    expect(simulator.stats.tokensIssued.length - issued).toBe(1);
    await sendAndWait(client, [signed(33)]);
    expect(simulator.stats.tokensIssued.length - issued).toBe(2);
    // Another certificate has its own token.
    await client.upload(
      { ...session, certificateId: 'certificado-2' },
      true,
      envelope([signed(39)]),
      'e.xml',
    );
    expect(simulator.stats.tokensIssued.length - issued).toBe(3);

    now += 29 * 60_000;
    await client.upload(session, true, envelope([signed(39)]), 'e.xml');
    expect(simulator.stats.tokensIssued.length - issued).toBe(3);
    now += 60_000;
    await client.upload(session, true, envelope([signed(39)]), 'e.xml');
    expect(simulator.stats.tokensIssued.length - issued).toBe(4);
  });

  it('replaces a token the SII no longer accepts, once, for both APIs', async () => {
    const client = new SiiClient({ timeoutMs: 5_000 });
    await sendAndWait(client, [signed(39)]);
    await sendAndWait(client, [signed(33)]);
    const issued = simulator.stats.tokensIssued.length;
    simulator.revokeTokens();
    // Boleta upload answers 401; DTEUpload answers STATUS 5; QueryEstUp answers 001.
    expect((await sendAndWait(client, [signed(39)])).documents.map((d) => d.outcome)).toEqual(['accepted']);
    expect((await sendAndWait(client, [signed(33)])).documents.map((d) => d.outcome)).toEqual(['accepted']);
    expect(simulator.stats.tokensIssued.length - issued).toBe(2);
  });

  it('reports a refused token as a passing problem, never as a refusal of the documents', async () => {
    const client = new SiiClient({ timeoutMs: 5_000 });
    simulator.setFaults({ tokenRefusals: 2 });
    const boleta = envelope([signed(39)]);
    const attempt = client.upload(session, true, boleta, 'e.xml');
    await expect(attempt).rejects.toBeInstanceOf(SiiTokenRefusedError);
    await expect(attempt).rejects.toBeInstanceOf(SiiTransientError);
    await expect(client.upload(session, false, envelope([signed(33)]), 'e.xml')).rejects.toThrow(
      /no entregó un token \(estado 05/,
    );
    expect((await client.upload(session, true, boleta, 'e.xml')).trackId).toMatch(/^\d{15}$/);
  });
});

describe('User-Agent', () => {
  it('goes on every request; the simulator, like the SII, refuses anything else', async () => {
    const refused = simulator.stats.foreignUserAgents;
    const client = new SiiClient({ timeoutMs: 5_000 });
    await sendAndWait(client, [signed(39)]);
    await sendAndWait(client, [signed(33), signed(33)]);
    expect(simulator.stats.foreignUserAgents).toBe(refused);

    const seed = await fetch(`${session.hosts.dte}/DTEWS/CrSeed.jws`, { method: 'POST' });
    expect(await seed.text()).toContain('<html>');
    const rest = await fetch(`${session.hosts.boletaApi}/recursos/v1/boleta.electronica.semilla`);
    expect(rest.status).toBe(401);
    expect(simulator.stats.foreignUserAgents).toBe(refused + 2);
  });
});

describe('answer codes', () => {
  it('maps per-document answers: DOK accepted, RPR and RLV with objections, RCH rejected with the reason', async () => {
    const client = new SiiClient({ timeoutMs: 5_000 });
    for (const type of [39, 33] as const) {
      const dtes = [signed(type), signed(type), signed(type), signed(type)];
      const [, objected, lowered, rejected] = dtes;
      simulator.setFaults({
        rejections: {
          [`${type}-${objected!.folio}`]: { code: 'RPR', reason: 'Aceptado con reparos' },
          [`${type}-${lowered!.folio}`]: { code: 'RLV', reason: 'Reparo leve' },
          [`${type}-${rejected!.folio}`]: { code: 'RCH', reason: 'Monto no cuadra' },
        },
      });
      const status = await sendAndWait(client, dtes);
      expect(status).toMatchObject({ final: true, status: 'EPR' });
      if (!status.final) throw new Error('not final');
      expect(status.documents.map((d) => [d.folio, d.outcome, d.status])).toEqual([
        [dtes[0]!.folio, 'accepted', 'DOK'],
        [objected!.folio, 'objected', 'RPR'],
        // QueryEstDte (facturas) answers the document's own code.
        [lowered!.folio, 'objected', 'RLV'],
        [rejected!.folio, 'rejected', 'RCH'],
      ]);
      expect(status.documents[3]!.detail).toBe('RCH: Monto no cuadra');
    }
    simulator.setFaults({ rejections: {} });
  });

  it('rejects every document of an envío refused as a whole (envelope signature: RFR)', async () => {
    const client = new SiiClient({ timeoutMs: 5_000 });
    const dtes = [signed(39), signed(39)];
    // The Caratula's timestamp changed after signing breaks the SetDTE signature, not the DTE ones.
    const broken = envelope(dtes)
      .toString('latin1')
      .replace(/<TmstFirmaEnv>[^<]*</, '<TmstFirmaEnv>2020-01-01T00:00:00<');
    const upload = await client.upload(session, true, Buffer.from(broken, 'latin1'), 'e.xml');
    let status: EnvioStatus;
    do {
      await new Promise((r) => setTimeout(r, 60));
      status = await client.status(session, upload.trackId, asEnvioDocuments(dtes));
    } while (!status.final);
    expect(status.status).toBe('RFR');
    expect(status.documents.map((d) => d.outcome)).toEqual(['rejected', 'rejected']);
    expect(status.documents[0]!.detail).toMatch(/^RFR: .*firma/);
  });

  it('reports an envío not yet processed as pending (SOK for DTE, REC for boletas)', async () => {
    const client = new SiiClient({ timeoutMs: 5_000 });
    simulator.setFaults({ statusDelayMs: 60_000 });
    try {
      for (const type of [39, 33] as const) {
        const dtes = [signed(type)];
        const { trackId } = await client.upload(session, type === 39, envelope(dtes), 'e.xml');
        const status = await client.status(session, trackId, asEnvioDocuments(dtes));
        expect(status).toMatchObject({ final: false, status: type === 39 ? 'REC' : 'SOK' });
      }
    } finally {
      simulator.setFaults({ statusDelayMs: 50 });
    }
  });

  it('refuses for good what the SII will never take, and leaves HTTP 500s and timeouts for later', async () => {
    const client = new SiiClient({ timeoutMs: 3_000 });
    // A factura that breaks the schema: DTEUpload STATUS 7.
    const invalid = envelope([signed(33)])
      .toString('latin1')
      .replace(/<TipoDTE>33<\/TipoDTE>/, '<TipoDTE>XX</TipoDTE>');
    const refusal = await client
      .upload(session, false, Buffer.from(invalid, 'latin1'), 'e.xml')
      .catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(SiiRefusedError);
    expect(refusal).toMatchObject({
      code: 'UPL-7',
      message: expect.stringMatching(/^DTEUpload STATUS 7: Esquema inválido/),
    });

    simulator.setFaults({ uploadErrors: 1 });
    const five = await client.upload(session, true, envelope([signed(39)]), 'e.xml').catch((e: unknown) => e);
    // The SII may have taken the envío before either: the pipeline asks before sending again.
    expect(five).toBeInstanceOf(SiiUncertainError);
    expect((five as Error).message).toBe('SII boleta envío: HTTP 500');

    simulator.setFaults({ uploadHangs: 1 });
    const hang = await client.upload(session, true, envelope([signed(39)]), 'e.xml').catch((e: unknown) => e);
    expect(hang).toBeInstanceOf(SiiUncertainError);
    expect((hang as Error).message).toBe('SII boleta envío: sin respuesta en 3000 ms');
  });

  it('knows a request that never left (connection refused) reached nothing', async () => {
    const client = new SiiClient({ timeoutMs: 3_000 });
    // A port just freed: nothing listens there.
    const closed = createServer().listen(0, '127.0.0.1');
    await once(closed, 'listening');
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const nowhere = { ...session, hosts: siiHosts('simulator', `http://127.0.0.1:${port}`) };
    const refused = await client
      .upload(nowhere, true, envelope([signed(39)]), 'e.xml')
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(SiiTransientError);
    expect(refused).not.toBeInstanceOf(SiiUncertainError);
    expect((refused as Error).message).toBe('SII boleta semilla: sin conexión');
  });

  it('classifies every documented code', () => {
    expect(['DOK', 'EPR', 'ACE'].map(documentOutcome)).toEqual(['accepted', 'accepted', 'accepted']);
    expect(['RPR', 'RLV', 'ACD', 'RPD'].map(documentOutcome)).toEqual(Array(4).fill('objected'));
    expect(['RCH', 'RCT', 'FAU', 'FNA', 'FAN', 'DNK', 'EMP', 'RFR'].map(documentOutcome)).toEqual(
      Array(8).fill('rejected'),
    );
    for (const code of ['SOK', 'CRT', 'FOK', 'PDR', 'REC', '-11']) expect(ENVIO_PENDING.has(code)).toBe(true);
    for (const code of ['RCT', 'RFR', 'RSC', 'RCH', 'RPT'])
      expect(ENVIO_REJECTED[code]).toMatch(/^Rechazado/);
    for (const code of ['001', '002', '003']) expect(TOKEN_PROBLEMS.has(code)).toBe(true);
    expect(
      Object.fromEntries(Object.entries(UPLOAD_STATUS).map(([status, { retry }]) => [status, retry])),
    ).toEqual({
      '1': 'never',
      '2': 'never',
      '3': 'later',
      '5': 'token',
      '6': 'never',
      '7': 'never',
      '8': 'never',
      '9': 'later',
      '-1': 'never',
    });
  });
});

describe('per-document status', () => {
  it('answers FAU until the envío is processed, then DOK; DNK when the amount or date differ', async () => {
    const client = new SiiClient({ timeoutMs: 5_000 });
    for (const type of [39, 33] as const) {
      const [dte] = [signed(type)];
      const [doc] = asEnvioDocuments([dte!]);
      expect(await client.documentStatus(session, doc!)).toMatchObject({
        standing: 'not-received',
        code: 'FAU',
      });
      simulator.setFaults({ statusDelayMs: 400 });
      await client.upload(session, type === 39, envelope([dte!]), 'e.xml');
      simulator.setFaults({ statusDelayMs: 50 });
      // Taken, not yet processed: the SII has not registered it.
      expect((await client.documentStatus(session, doc!)).standing).toBe('not-received');
      await new Promise((r) => setTimeout(r, 450));
      expect(await client.documentStatus(session, doc!)).toMatchObject({
        type,
        folio: dte!.folio,
        standing: 'accepted',
        code: 'DOK',
        detail: 'DOK: Documento Recibido por el SII. Datos Coinciden con los Registrados.',
      });
      for (const other of [
        { total: doc!.total + 1 },
        { issueDate: '2020-01-01' },
        { receiverRut: '11111111-1' },
      ]) {
        expect(await client.documentStatus(session, { ...doc!, ...other })).toMatchObject({
          standing: 'held',
          code: 'DNK',
        });
      }
    }
  });

  it('keeps answering what the SII registered after a repeated copy was refused', async () => {
    const client = new SiiClient({ timeoutMs: 5_000 });
    for (const type of [39, 33] as const) {
      const dtes = [signed(type)];
      await sendAndWait(client, dtes);
      const again = await sendAndWait(client, dtes);
      if (!again.final) throw new Error('not final');
      expect(again.documents[0]!.status).toBe(type === 39 ? 'RCH' : 'DOK');
      if (type === 39) expect(again.documents[0]!.detail).toMatch(/^RCH: DTE repetido/);
      expect((await client.documentStatus(session, asEnvioDocuments(dtes)[0]!)).standing).toBe('accepted');
    }
  });

  it('gives a refused document its verdict at QueryEstDte and FAU at the boleta API (documented codes only)', async () => {
    const client = new SiiClient({ timeoutMs: 5_000 });
    const [boleta, factura] = [signed(39), signed(33)];
    simulator.setFaults({
      rejections: {
        [`39-${boleta.folio}`]: { code: 'RCH', reason: 'Monto no cuadra' },
        [`33-${factura.folio}`]: { code: 'RCH', reason: 'Monto no cuadra' },
      },
    });
    try {
      await sendAndWait(client, [boleta]);
      await sendAndWait(client, [factura]);
    } finally {
      simulator.setFaults({ rejections: {} });
    }
    const [onBoleta, onFactura] = await Promise.all(
      asEnvioDocuments([boleta, factura]).map((d) => client.documentStatus(session, d)),
    );
    expect(onBoleta).toMatchObject({ standing: 'not-received', code: 'FAU' });
    expect(onFactura).toMatchObject({ standing: 'rejected', code: 'RCH', detail: 'RCH: Monto no cuadra' });
  });

  it('takes an upload whose connection it then cuts: the client cannot tell, the SII holds it', async () => {
    const client = new SiiClient({ timeoutMs: 5_000 });
    for (const type of [39, 33] as const) {
      const dtes = [signed(type)];
      const received = simulator.stats.uploadsReceived;
      simulator.setFaults({ uploadDrops: 1 });
      const lost = await client
        .upload(session, type === 39, envelope(dtes), 'e.xml')
        .catch((e: unknown) => e);
      expect(lost).toBeInstanceOf(SiiUncertainError);
      expect((lost as Error).message).toMatch(/conexión cortada$/);
      expect(simulator.faults.uploadDrops).toBe(0);
      expect(simulator.stats.uploadsReceived - received).toBe(1);
      await new Promise((r) => setTimeout(r, 100));
      expect((await client.documentStatus(session, asEnvioDocuments(dtes)[0]!)).standing).toBe('accepted');
    }
  });
});

describe('environments', () => {
  it('sends certification to maullin/apicert/pangal, production to palena/api/rahue, the simulator to itself', () => {
    expect(siiHosts('certification', '')).toEqual({
      dte: 'https://maullin.sii.cl',
      boletaApi: 'https://apicert.sii.cl',
      boletaUpload: 'https://pangal.sii.cl',
    });
    expect(siiHosts('production', '')).toEqual({
      dte: 'https://palena.sii.cl',
      boletaApi: 'https://api.sii.cl',
      boletaUpload: 'https://rahue.sii.cl',
    });
    expect(siiHosts('simulator', 'http://127.0.0.1:3100/')).toEqual({
      dte: 'http://127.0.0.1:3100',
      boletaApi: 'http://127.0.0.1:3100',
      boletaUpload: 'http://127.0.0.1:3100',
    });
  });
});
