/**
 * Facturas and other DTE [docs/sii-rules.md#web-services]: seed (CrSeed) → signed seed → token
 * (GetTokenFromSeed), upload to DTEUpload (multipart, fields in the required order, token cookie), status by
 * QueryEstUp; when an envío has rejections or objections the per-document answer comes from QueryEstDte
 * (QueryEstUp only gives counts per type).
 */

import { issueDateParts, readEstDte } from './document-status.ts';
import {
  escapeXml,
  SiiAuthError,
  SiiRefusedError,
  SiiTokenRefusedError,
  SiiTransientError,
  SiiUncertainError,
  siiRequest,
  splitRut,
  unescapeXml,
  uploadForm,
  xmlField,
} from './http.ts';
import {
  type DocumentQuery,
  type DocumentResult,
  documentOutcome,
  type EnvioStatus,
  TOKEN_PROBLEMS,
  UPLOAD_STATUS,
  unprocessedEnvio,
} from './status-codes.ts';
import type { EnvioDocument, SiiApi, SiiSession } from './types.ts';

function soapEnvelope(body: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">' +
    `<soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`
  );
}

/** The `…Return` string of an rpc/encoded answer is itself escaped XML. */
function soapReturn(text: string, operation: string): string {
  const inner = xmlField(text, `${operation}Return`);
  if (inner === undefined) throw new SiiTransientError(`SII ${operation}: respuesta sin ${operation}Return`);
  return unescapeXml(inner);
}

export class DteSoapClient implements SiiApi {
  private readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    this.timeoutMs = timeoutMs;
  }

  private async call(session: SiiSession, service: string, operation: string, body: string): Promise<string> {
    const { text } = await siiRequest(
      operation,
      `${session.hosts.dte}/DTEWS/${service}`,
      {
        method: 'POST',
        headers: { 'Content-Type': 'text/xml; charset=utf-8', SOAPAction: '' },
        body: soapEnvelope(body),
      },
      this.timeoutMs,
    );
    return soapReturn(text, operation);
  }

  async seed(session: SiiSession): Promise<string> {
    const answer = await this.call(session, 'CrSeed.jws', 'getSeed', '<getSeed/>');
    const seed = xmlField(answer, 'SEMILLA');
    if (xmlField(answer, 'ESTADO') !== '00' || !seed) throw new SiiTransientError('SII getSeed: sin semilla');
    return seed;
  }

  async token(session: SiiSession, signedSeed: string): Promise<string> {
    const answer = await this.call(
      session,
      'GetTokenFromSeed.jws',
      'getToken',
      `<getToken><pszXml>${escapeXml(signedSeed)}</pszXml></getToken>`,
    );
    const token = xmlField(answer, 'TOKEN');
    const estado = xmlField(answer, 'ESTADO');
    if (estado !== '00' || !token) {
      throw new SiiTokenRefusedError(
        `El SII no entregó un token (estado ${estado}: ${xmlField(answer, 'GLOSA') ?? ''})`,
      );
    }
    return token;
  }

  async upload(session: SiiSession, token: string, xml: Buffer, fileName: string) {
    const form = uploadForm(session, xml, fileName);
    const { text } = await siiRequest(
      'DTEUpload',
      `${session.hosts.dte}/cgi_dte/UPL/DTEUpload`,
      { method: 'POST', headers: { Cookie: `TOKEN=${token}` }, body: form },
      this.timeoutMs,
    );
    const status = xmlField(text, 'STATUS');
    // An error page instead of the receipt does not say whether the envío was taken.
    if (status === undefined) throw new SiiUncertainError('SII DTEUpload: respuesta sin STATUS (¿HTML?)');
    const trackId = xmlField(text, 'TRACKID');
    if (status === '0' && trackId) return { trackId, raw: text };
    const known = UPLOAD_STATUS[status] ?? { meaning: 'Error interno del SII', retry: 'later' as const };
    const errors = [...text.matchAll(/<ERROR>([\s\S]*?)<\/ERROR>/g)].map((m) => m[1]!.trim());
    const message = `DTEUpload STATUS ${status}: ${known.meaning}${errors.length ? ` (${errors.join('; ')})` : ''}`;
    if (known.retry === 'token') throw new SiiAuthError(message);
    if (known.retry === 'later') throw new SiiTransientError(message);
    throw new SiiRefusedError(`UPL-${status}`, message, text);
  }

  async status(
    session: SiiSession,
    token: string,
    trackId: string,
    documents: readonly EnvioDocument[],
  ): Promise<EnvioStatus> {
    const [rut, dv] = splitRut(session.issuerRut);
    const raw = await this.call(
      session,
      'QueryEstUp.jws',
      'getEstUp',
      `<getEstUp><Rut>${rut}</Rut><Dv>${dv}</Dv><TrackId>${trackId}</TrackId><Token>${escapeXml(token)}</Token></getEstUp>`,
    );
    const estado = xmlField(raw, 'ESTADO') ?? '';
    const glosa = xmlField(raw, 'GLOSA') ?? '';
    if (TOKEN_PROBLEMS.has(estado)) throw new SiiAuthError(`QueryEstUp ${estado}: token no vigente`);
    // An empty GLOSA says nothing: the code's meaning is the reason then.
    const unprocessed = unprocessedEnvio(estado, glosa || undefined, raw, documents);
    if (unprocessed) return unprocessed;
    if (estado !== 'EPR') throw new SiiTransientError(`QueryEstUp: estado ${estado || 'vacío'}`);
    const count = (name: string) =>
      [...raw.matchAll(new RegExp(`<${name}>(\\d+)</${name}>`, 'g'))].reduce((n, m) => n + Number(m[1]), 0);
    const allAccepted = count('RECHAZADOS') === 0 && count('REPAROS') === 0;
    const results: DocumentResult[] = allAccepted
      ? documents.map((d) => ({
          ...d,
          outcome: 'accepted',
          status: 'EPR',
          detail: glosa || 'Envío procesado',
        }))
      : await Promise.all(
          documents.map(async (d): Promise<DocumentResult> => {
            // In a processed envío a document the SII does not hold (FAU) was rejected.
            const { code, detail } = await this.documentStatus(session, token, d);
            return { type: d.type, folio: d.folio, outcome: documentOutcome(code), status: code, detail };
          }),
        );
    return { final: true, status: estado, detail: glosa, raw, documents: results };
  }

  /** QueryEstDte for one document: what the SII holds under its folio, checked against our data. */
  async documentStatus(session: SiiSession, token: string, doc: EnvioDocument): Promise<DocumentQuery> {
    const [rut, dv] = splitRut(session.issuerRut);
    const [rutSender, dvSender] = splitRut(session.senderRut);
    const [rutReceiver, dvReceiver] = splitRut(doc.receiverRut);
    const [d, m, y] = issueDateParts(doc.issueDate);
    const answer = await this.call(
      session,
      'QueryEstDte.jws',
      'getEstDte',
      `<getEstDte><RutConsultante>${rutSender}</RutConsultante><DvConsultante>${dvSender}</DvConsultante>` +
        `<RutCompania>${rut}</RutCompania><DvCompania>${dv}</DvCompania>` +
        `<RutReceptor>${rutReceiver}</RutReceptor><DvReceptor>${dvReceiver}</DvReceptor>` +
        `<TipoDte>${doc.type}</TipoDte><FolioDte>${doc.folio}</FolioDte><FechaEmisionDte>${d}${m}${y}</FechaEmisionDte>` +
        `<MontoDte>${doc.total}</MontoDte><Token>${escapeXml(token)}</Token></getEstDte>`,
    );
    const query = readEstDte(answer, doc);
    if (TOKEN_PROBLEMS.has(query.code)) throw new SiiAuthError(`QueryEstDte ${query.code}: token no vigente`);
    return query;
  }
}
