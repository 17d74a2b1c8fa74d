/**
 * Boletas (39, 41) through the SII's REST API [docs/sii-rules.md#web-services]: its own seed, token (not the
 * SOAP one), envío (multipart) and estado (JSON with the documents rejected or with objections; every other
 * document of the envío was accepted).
 */

import { issueDateParts, readBoletaEstado } from './document-status.ts';
import {
  SiiRefusedError,
  SiiTokenRefusedError,
  SiiTransientError,
  SiiUncertainError,
  siiRequest,
  splitRut,
  uploadForm,
  xmlField,
} from './http.ts';
import {
  type DocumentQuery,
  type DocumentResult,
  documentOutcome,
  type EnvioStatus,
  unprocessedEnvio,
} from './status-codes.ts';
import type { EnvioDocument, SiiApi, SiiSession } from './types.ts';

const BASE = '/recursos/v1';

interface EstadoAnswer {
  estado?: string;
  glosa?: string;
  detalle_rep_rech?: {
    tipo: number;
    folio: number;
    estado: string;
    descripcion?: string;
    error?: string[];
  }[];
}

function parseJson<T>(text: string, operation: string, failure = SiiTransientError): T {
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new failure(`SII ${operation}: respuesta no es JSON`);
  }
}

export class BoletaRestClient implements SiiApi {
  private readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
  }

  async seed(session: SiiSession): Promise<string> {
    const { text } = await siiRequest(
      'boleta semilla',
      `${session.hosts.boletaApi}${BASE}/boleta.electronica.semilla`,
      { method: 'GET', headers: { Accept: 'application/xml' } },
      this.timeoutMs,
    );
    const seed = xmlField(text, 'SEMILLA');
    if (!seed) throw new SiiTransientError('SII boleta semilla: sin semilla');
    return seed;
  }

  async token(session: SiiSession, signedSeed: string): Promise<string> {
    const { text } = await siiRequest(
      'boleta token',
      `${session.hosts.boletaApi}${BASE}/boleta.electronica.token`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/xml', Accept: 'application/xml' },
        body: signedSeed,
      },
      this.timeoutMs,
    );
    const token = xmlField(text, 'TOKEN');
    if (!token) {
      throw new SiiTokenRefusedError(
        `El SII no entregó un token de boletas (${xmlField(text, 'GLOSA') ?? ''})`,
      );
    }
    return token;
  }

  async upload(session: SiiSession, token: string, xml: Buffer, fileName: string) {
    const form = uploadForm(session, xml, fileName);
    const { text } = await siiRequest(
      'boleta envío',
      `${session.hosts.boletaUpload}${BASE}/boleta.electronica.envio`,
      { method: 'POST', headers: { Cookie: `TOKEN=${token}`, Accept: 'application/json' }, body: form },
      this.timeoutMs,
    );
    // An answer that is not the receipt does not say whether the envío was taken.
    const answer = parseJson<{ trackid?: number | string; estado?: string; glosa?: string }>(
      text,
      'boleta envío',
      SiiUncertainError,
    );
    if (answer.trackid !== undefined && answer.estado === 'REC')
      return { trackId: String(answer.trackid), raw: text };
    throw new SiiRefusedError(
      `ENV-${answer.estado ?? '?'}`,
      `Envío de boletas rechazado: ${answer.estado ?? ''} ${answer.glosa ?? ''}`.trim(),
      text,
    );
  }

  async status(
    session: SiiSession,
    token: string,
    trackId: string,
    documents: readonly EnvioDocument[],
  ): Promise<EnvioStatus> {
    const [rut, dv] = splitRut(session.issuerRut);
    const { text: raw } = await siiRequest(
      'boleta estado',
      `${session.hosts.boletaApi}${BASE}/boleta.electronica.envio/${rut}-${dv}-${trackId}`,
      { method: 'GET', headers: { Cookie: `TOKEN=${token}`, Accept: 'application/json' } },
      this.timeoutMs,
    );
    const answer = parseJson<EstadoAnswer>(raw, 'boleta estado');
    const estado = answer.estado ?? '';
    const unprocessed = unprocessedEnvio(estado, answer.glosa, raw, documents);
    if (unprocessed) return unprocessed;
    if (estado !== 'EPR') throw new SiiTransientError(`SII boleta estado: ${estado || 'vacío'}`);
    const problems = new Map(
      (answer.detalle_rep_rech ?? []).map((d) => [`${d.tipo}-${d.folio}`, d] as const),
    );
    const results = documents.map((doc): DocumentResult => {
      const problem = problems.get(`${doc.type}-${doc.folio}`);
      if (!problem)
        return { type: doc.type, folio: doc.folio, outcome: 'accepted', status: 'DOK', detail: 'Aceptado' };
      const reasons = [problem.descripcion, ...(problem.error ?? [])].filter(Boolean).join('; ');
      return {
        type: doc.type,
        folio: doc.folio,
        outcome: documentOutcome(problem.estado),
        status: problem.estado,
        detail: `${problem.estado}: ${reasons}`,
      };
    });
    return { final: true, status: estado, detail: answer.glosa ?? '', raw, documents: results };
  }

  /**
   * What the SII holds of one boleta, checked against our receiver, amount and date:
   * `GET boleta.electronica/{rut}-{dv}-{tipo}-{folio}/estado?rut_receptor&dv_receptor&monto&fechaEmision`
   * (date `DD-MM-AAAA`), answered `{ codigo, descripcion }`.
   */
  async documentStatus(session: SiiSession, token: string, doc: EnvioDocument): Promise<DocumentQuery> {
    const [rut, dv] = splitRut(session.issuerRut);
    const [rutReceiver, dvReceiver] = splitRut(doc.receiverRut);
    const [d, m, y] = issueDateParts(doc.issueDate);
    const query = new URLSearchParams({
      rut_receptor: rutReceiver,
      dv_receptor: dvReceiver,
      monto: String(doc.total),
      fechaEmision: `${d}-${m}-${y}`,
    });
    const { text } = await siiRequest(
      'boleta estado documento',
      `${session.hosts.boletaApi}${BASE}/boleta.electronica/${rut}-${dv}-${doc.type}-${doc.folio}/estado?${query}`,
      { method: 'GET', headers: { Cookie: `TOKEN=${token}`, Accept: 'application/json' } },
      this.timeoutMs,
    );
    return readBoletaEstado(text, doc);
  }
}
