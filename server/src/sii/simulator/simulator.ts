/**
 * A local SII for development, demos and tests. It answers the same paths as the real services
 * (SOAP seed/token/upload/status for DTE, REST for boletas) on one port and checks what the SII
 * checks: the token's signed seed, field order and token cookie on upload, the schema, every
 * signature and TED (via the verifier, which uses xml-crypto's C14N, not the builder's own
 * serialisation, in a pool of worker threads: see verify-thread.ts; the seed signature with
 * xmlsec1 when installed; a `light` simulator checks only a sample of the documents' signatures), that each folio is covered by a CAF of the local test authority, and duplicate
 * folios. Status answers come after a delay; the per-document services (QueryEstDte, the boleta
 * API's `…/estado`) answer what it registered (see document-registry.ts).
 *
 * Like the SII it answers nothing useful to a client without the `PROG 1.0` User-Agent (HTML for
 * the SOAP services and the upload, 401 for the boleta API).
 *
 * Fault knobs (`faults`, or POST /__simulator/faults from another process): HTTP 500s, requests
 * never answered (client timeouts), uploads taken and then left unanswered (connection cut),
 * slow answers, refused token requests, rejections of given folios with a given code;
 * `revokeTokens()` expires every token it gave.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { VerificationReport } from '@erp/sii-core';
import { escapeXml, unescapeXml, xmlField } from '../sii-client/http.ts';
import { askedStamp, DocumentRegistry, readStamps, type Stamp } from './document-registry.ts';
import { verifySignedSeed } from './seed-check.ts';
import { VerifyPool, type VerifyPoolOptions } from './verify-thread.ts';

/**
 * `light` verification: every signature (the envelope's and each document's) through the
 * string-level fast path (sii-core's signature-fast.ts: the RSA signature and the digest for
 * real, over the text as it stands when that is its canonical form), with the generic check
 * (xml-crypto's C14N) whenever that does not prove it valid, and on one document in this many
 * regardless; every TED as in `full`, and the schema too, with the system's xmllint when
 * installed (xmllint-wasm compiles its module again for every file: about 100 ms of CPU per
 * envelope). For load tests, where the generic checks cost the simulator 10 to 25 ms of CPU per
 * document and would otherwise be the bottleneck being measured.
 */
export const LIGHT_SIGNATURE_SAMPLE = 25;

export interface SimulatorOptions {
  /** Threads that check uploads (`SII_SIMULATOR_THREADS`); by default one per core, at most 4. */
  threads?: number;
  /** `full` (the default) checks every signature generically; `light` see LIGHT_SIGNATURE_SAMPLE. */
  verify?: 'full' | 'light';
}

export interface SimulatorFaults {
  /** The next N uploads answer HTTP 500 (nothing recorded). */
  uploadErrors: number;
  /** The next N uploads are never answered (the client times out; nothing recorded). */
  uploadHangs: number;
  /**
   * The next N uploads are taken (the envío recorded, its folios registered, as a valid upload),
   * then the connection is cut before any answer: the client cannot know the SII has them.
   */
  uploadDrops: number;
  /** The next N status queries answer HTTP 500. */
  statusErrors: number;
  /** Every upload waits this long before it is processed; a client that gives up meanwhile sent nothing. */
  slowMs: number;
  /** Status is final only this long after reception. */
  statusDelayMs: number;
  /** The next N token requests are refused (ESTADO 05, as for a signature the SII does not accept). */
  tokenRefusals: number;
  /** `type-folio` → the rejection the SII gives that document. */
  rejections: Record<string, { code: string; reason: string }>;
}

interface DocumentVerdict {
  type: number;
  folio: number;
  status: string;
  reason: string;
}

interface Envio {
  rut: string;
  boleta: boolean;
  readyAt: number;
  /** Set when the whole envío is rejected (signature of the set, carátula). */
  envioStatus: string;
  glosa: string;
  documents: DocumentVerdict[];
}

const UPLOAD_FIELDS = ['rutSender', 'dvSender', 'rutCompany', 'dvCompany', 'archivo'];
const SOAP_OK = (operation: string, inner: string) =>
  '<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/">' +
  `<soapenv:Body><ns1:${operation}Response xmlns:ns1="http://DefaultNamespace"><${operation}Return>${escapeXml(inner)}</${operation}Return></ns1:${operation}Response></soapenv:Body></soapenv:Envelope>`;
const RESPUESTA = (hdr: string, body = '') =>
  `<SII:RESPUESTA xmlns:SII="http://www.sii.cl/XMLSchema"><SII:RESP_BODY>${body}</SII:RESP_BODY><SII:RESP_HDR>${hdr}</SII:RESP_HDR></SII:RESPUESTA>`;

export class SiiSimulator {
  readonly faults: SimulatorFaults = {
    uploadErrors: 0,
    uploadHangs: 0,
    uploadDrops: 0,
    statusErrors: 0,
    slowMs: 0,
    statusDelayMs: 200,
    tokenRefusals: 0,
    rejections: {},
  };
  /**
   * What the simulator received, for tests: accepted uploads, how often each folio arrived,
   * per-document status queries, every token it gave (tests look for them in logs) and requests
   * refused for their User-Agent.
   */
  readonly stats = {
    uploadRequests: 0,
    uploadsReceived: 0,
    documentQueries: 0,
    folioArrivals: new Map<string, number>(),
    tokensIssued: [] as string[],
    foreignUserAgents: 0,
  };

  private readonly seeds = new Map<string, number>();
  private readonly tokens = new Set<string>();
  private readonly envios = new Map<string, Envio>();
  private readonly folios = new Map<string, string>();
  private readonly registry = new DocumentRegistry();
  /** The last unexpected failure of the simulator itself (answered as HTTP 500), for debugging. */
  lastError: Error | undefined;
  private server: Server | undefined;
  private readonly verifier: VerifyPool;
  private readonly hanging = new Set<ServerResponse>();

  constructor({ threads, verify = 'full' }: SimulatorOptions = {}) {
    const pool: VerifyPoolOptions =
      verify === 'light'
        ? { signatureSample: LIGHT_SIGNATURE_SAMPLE, fastSignatures: true, nativeSchema: true }
        : { signatureSample: 1 };
    this.verifier = new VerifyPool(threads ? { ...pool, threads } : pool);
  }

  async listen(port = 0, host = '127.0.0.1'): Promise<string> {
    this.server = createServer((req, res) => {
      this.route(req, res).catch((error: Error) => {
        this.lastError = error;
        if (!res.headersSent) res.writeHead(500).end(error.message);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(port, host, resolve));
    const address = this.server.address();
    return `http://${host}:${typeof address === 'object' && address ? address.port : port}`;
  }

  async close(): Promise<void> {
    await this.verifier.close();
    for (const res of this.hanging) res.destroy();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  setFaults(changes: Partial<SimulatorFaults>): void {
    Object.assign(this.faults, changes);
  }

  /** Every token given so far stops being valid, as when the SII expires them. */
  revokeTokens(): void {
    this.tokens.clear();
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '').split('?')[0]!;
    const body = await readBody(req);
    if (path === '/__simulator/faults' && req.method === 'POST') {
      this.setFaults(JSON.parse(body.toString('utf8')) as Partial<SimulatorFaults>);
      return send(res, 200, 'application/json', JSON.stringify(this.faults));
    }
    if (path === '/__simulator/stats') {
      return send(
        res,
        200,
        'application/json',
        JSON.stringify({ ...this.stats, folioArrivals: Object.fromEntries(this.stats.folioArrivals) }),
      );
    }
    if (!/PROG 1\.0/.test(req.headers['user-agent'] ?? '')) {
      this.stats.foreignUserAgents++;
      return path.startsWith('/recursos/')
        ? send(res, 401, 'application/json', '{"error":"token no valido"}')
        : send(res, 200, 'text/html', '<html>Navegador no soportado</html>');
    }
    if (path === '/DTEWS/CrSeed.jws')
      return this.soap(
        res,
        'getSeed',
        RESPUESTA('<ESTADO>00</ESTADO>', `<SEMILLA>${this.newSeed()}</SEMILLA>`),
      );
    if (path === '/DTEWS/GetTokenFromSeed.jws') {
      const signed = unescapeXml(xmlField(body.toString('utf8'), 'pszXml') ?? '');
      const token = this.tokenFor(signed);
      return this.soap(
        res,
        'getToken',
        token
          ? RESPUESTA('<ESTADO>00</ESTADO><GLOSA>Token Creado</GLOSA>', `<TOKEN>${token}</TOKEN>`)
          : RESPUESTA('<ESTADO>05</ESTADO><GLOSA>Firma inválida o semilla desconocida</GLOSA>'),
      );
    }
    if (path === '/cgi_dte/UPL/DTEUpload') return this.upload(req, res, body, false);
    if (path === '/DTEWS/QueryEstUp.jws') return this.soapStatus(res, body.toString('utf8'));
    if (path === '/DTEWS/QueryEstDte.jws') return this.soapDocumentStatus(res, body.toString('utf8'));
    if (path === '/recursos/v1/boleta.electronica.semilla') {
      return send(
        res,
        200,
        'application/xml',
        RESPUESTA('<ESTADO>00</ESTADO>', `<SEMILLA>${this.newSeed()}</SEMILLA>`),
      );
    }
    if (path === '/recursos/v1/boleta.electronica.token' && req.method === 'POST') {
      const token = this.tokenFor(body.toString('utf8'));
      return token
        ? send(res, 200, 'application/xml', RESPUESTA('<ESTADO>00</ESTADO>', `<TOKEN>${token}</TOKEN>`))
        : send(res, 200, 'application/xml', RESPUESTA('<ESTADO>05</ESTADO><GLOSA>Firma inválida</GLOSA>'));
    }
    if (path === '/recursos/v1/boleta.electronica.envio' && req.method === 'POST')
      return this.upload(req, res, body, true);
    const estado = /^\/recursos\/v1\/boleta\.electronica\.envio\/(\d+)-([\dkK])-(\d+)$/.exec(path);
    if (estado) return this.restStatus(req, res, estado[3]!);
    const boleta = /^\/recursos\/v1\/boleta\.electronica\/(\d+-[\dkK])-(\d+)-(\d+)\/estado$/.exec(path);
    if (boleta && req.method === 'GET') return this.restDocumentStatus(req, res, boleta);
    send(res, 404, 'text/plain', 'not found');
  }

  private soap(res: ServerResponse, operation: string, inner: string): void {
    send(res, 200, 'text/xml; charset=utf-8', SOAP_OK(operation, inner));
  }

  private newSeed(): string {
    const seed = String(randomInt(1e11, 1e12));
    this.seeds.set(seed, Date.now() + 120_000);
    return seed;
  }

  /** A token when the signed seed is one we issued, unused and unexpired, and the signature verifies. */
  private tokenFor(signedXml: string): string | null {
    if (this.faults.tokenRefusals > 0) {
      this.faults.tokenRefusals--;
      return null;
    }
    const seed = xmlField(signedXml, 'Semilla');
    const expires = seed ? this.seeds.get(seed) : undefined;
    if (!seed || !expires || expires < Date.now() || !verifySignedSeed(signedXml)) return null;
    this.seeds.delete(seed);
    const token = randomBytes(12).toString('hex').toUpperCase();
    this.tokens.add(token);
    this.stats.tokensIssued.push(token);
    return token;
  }

  private authorized(req: IncomingMessage): boolean {
    const token = /(?:^|;\s*)TOKEN=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    return token !== undefined && this.tokens.has(token);
  }

  private async upload(
    req: IncomingMessage,
    res: ServerResponse,
    body: Buffer,
    boleta: boolean,
  ): Promise<void> {
    this.stats.uploadRequests++;
    if (this.faults.uploadHangs > 0) {
      this.faults.uploadHangs--;
      this.hanging.add(res);
      return;
    }
    if (this.faults.uploadErrors > 0) {
      this.faults.uploadErrors--;
      return send(res, 500, 'text/html', '<html><body>Error interno</body></html>');
    }
    const refuse = (status: string, detail: string) =>
      boleta
        ? send(res, 400, 'application/json', JSON.stringify({ estado: `STATUS-${status}`, glosa: detail }))
        : send(
            res,
            200,
            'text/xml',
            `<RECEPCIONDTE><STATUS>${status}</STATUS><DETAIL><ERROR>${escapeXml(detail)}</ERROR></DETAIL></RECEPCIONDTE>`,
          );
    if (!this.authorized(req)) {
      return boleta
        ? send(res, 401, 'application/json', '{"error":"token no valido"}')
        : refuse('5', 'No autenticado');
    }

    const form = await new Request('http://simulator/', {
      method: 'POST',
      headers: { 'content-type': req.headers['content-type'] ?? '' },
      body: new Uint8Array(body),
    })
      .formData()
      .catch(() => null);
    const names = form ? [...form.keys()] : [];
    const file = form?.get('archivo');
    if (!form || names.join(',') !== UPLOAD_FIELDS.join(',') || !(file instanceof Blob)) {
      return refuse('-1', `Campos esperados en orden: ${UPLOAD_FIELDS.join(', ')}`);
    }
    const rut = `${form.get('rutCompany')}-${form.get('dvCompany')}`;
    if (this.faults.slowMs > 0) {
      await new Promise((r) => setTimeout(r, this.faults.slowMs));
      // The client gave up (or died) before the answer: like a request that never completed.
      if (res.destroyed || req.socket.destroyed) return;
    }
    const xml = Buffer.from(await file.arrayBuffer());
    const stamps = readStamps(xml.toString('latin1'));
    const report = await this.verifier.verify(xml).catch((error: Error) => error);
    if (report instanceof Error) return refuse('7', report.message);
    if (!report.schema.ok && !boleta) return refuse('7', report.schema.errors.slice(0, 5).join(' | '));
    this.stats.uploadsReceived++;
    // Track ids: 15 digits for boletas, 10 for facturas [docs/sii-rules.md#web-services].
    const trackId = `${randomInt(1e5, 1e6)}${boleta ? String(randomInt(0, 1e9)).padStart(9, '0') : randomInt(1e3, 1e4)}`;
    this.envios.set(trackId, this.judge(rut, boleta, report, stamps));
    if (this.faults.uploadDrops > 0) {
      this.faults.uploadDrops--;
      req.socket.destroy();
      return;
    }
    if (boleta) {
      return send(
        res,
        200,
        'application/json',
        JSON.stringify({
          rut_emisor: rut,
          trackid: Number(trackId),
          estado: 'REC',
          fecha_recepcion: new Date().toISOString(),
        }),
      );
    }
    send(
      res,
      200,
      'text/xml',
      `<?xml version="1.0" encoding="UTF-8"?><RECEPCIONDTE><RUTSENDER>${form.get('rutSender')}-${form.get('dvSender')}</RUTSENDER><RUTCOMPANY>${rut}</RUTCOMPANY><FILE>${escapeXml(file instanceof File ? file.name : '')}</FILE><TIMESTAMP>${new Date().toISOString()}</TIMESTAMP><STATUS>0</STATUS><TRACKID>${trackId}</TRACKID></RECEPCIONDTE>`,
    );
  }

  /** Decides now what the status will say once `statusDelayMs` has passed. */
  private judge(rut: string, boleta: boolean, report: VerificationReport, stamps: Map<string, Stamp>): Envio {
    const readyAt = Date.now() + this.faults.statusDelayMs;
    if (!report.schema.ok) {
      return {
        rut,
        boleta,
        readyAt,
        envioStatus: 'RSC',
        glosa: report.schema.errors.slice(0, 3).join(' | '),
        documents: [],
      };
    }
    if (report.envelopeFailures.length > 0) {
      const signature = report.envelopeFailures.some((f) => f.includes('firma'));
      return {
        rut,
        boleta,
        readyAt,
        envioStatus: signature ? 'RFR' : 'RCT',
        glosa: report.envelopeFailures.join(' | '),
        documents: [],
      };
    }
    const documents = report.documents.map((doc): DocumentVerdict => {
      const key = `${rut}-${doc.type}-${doc.folio}`;
      this.stats.folioArrivals.set(key, (this.stats.folioArrivals.get(key) ?? 0) + 1);
      const verdict = (status: string, reason: string, registers = false) => {
        const stamp = stamps.get(`${doc.type}-${doc.folio}`);
        this.registry.add(key, { status, reason, stamp, readyAt, registers });
        return { type: doc.type, folio: doc.folio, status, reason };
      };
      const injected = this.faults.rejections[`${doc.type}-${doc.folio}`];
      if (injected) return verdict(injected.code, injected.reason);
      if (doc.failures.length > 0) return verdict('RCH', doc.failures.join('; '));
      if (doc.issuerRut !== rut) return verdict('RCH', `el documento no es de la empresa ${rut}`);
      if (this.folios.has(key)) return verdict('RCH', `DTE repetido: el folio ${doc.folio} ya fue recibido`);
      this.folios.set(key, 'received');
      return verdict('DOK', 'Aceptado', true);
    });
    return { rut, boleta, readyAt, envioStatus: 'EPR', glosa: 'Envío procesado', documents };
  }

  private statusFault(res: ServerResponse): boolean {
    if (this.faults.statusErrors <= 0) return false;
    this.faults.statusErrors--;
    send(res, 500, 'text/html', '<html>Error</html>');
    return true;
  }

  private soapStatus(res: ServerResponse, body: string): void {
    if (this.statusFault(res)) return;
    if (!this.tokens.has(xmlField(body, 'Token') ?? '')) {
      this.soap(res, 'getEstUp', RESPUESTA('<ESTADO>001</ESTADO><GLOSA>Token no existe</GLOSA>'));
      return;
    }
    const envio = this.envios.get(xmlField(body, 'TrackId') ?? '');
    if (!envio) {
      this.soap(res, 'getEstUp', RESPUESTA('<ESTADO>-11</ESTADO><GLOSA>TrackId no encontrado</GLOSA>'));
      return;
    }
    if (envio.readyAt > Date.now()) {
      this.soap(res, 'getEstUp', RESPUESTA('<ESTADO>SOK</ESTADO><GLOSA>Schema Validado</GLOSA>'));
      return;
    }
    const counts = [...new Set(envio.documents.map((d) => d.type))].map((type) => {
      const of = envio.documents.filter((d) => d.type === type);
      const n = (pred: (d: DocumentVerdict) => boolean) => of.filter(pred).length;
      return `<TIPO_DOCTO>${type}</TIPO_DOCTO><INFORMADOS>${of.length}</INFORMADOS><ACEPTADOS>${n((d) => d.status === 'DOK')}</ACEPTADOS><RECHAZADOS>${n((d) => d.status !== 'DOK' && d.status !== 'RPR')}</RECHAZADOS><REPAROS>${n((d) => d.status === 'RPR')}</REPAROS>`;
    });
    this.soap(
      res,
      'getEstUp',
      RESPUESTA(
        `<ESTADO>${envio.envioStatus}</ESTADO><GLOSA>${escapeXml(envio.glosa)}</GLOSA>`,
        counts.join(''),
      ),
    );
  }

  /**
   * QueryEstDte: what the registry answers for the company's document, checked against the
   * receiver, date (DDMMAAAA) and amount asked. A document judged without being registered
   * answers its own verdict (RCH, RPR… with the reason), which the status of a processed envío
   * relies on for the reasons of its rejections.
   */
  private soapDocumentStatus(res: ServerResponse, body: string): void {
    if (!this.tokens.has(xmlField(body, 'Token') ?? '')) {
      this.soap(
        res,
        'getEstDte',
        RESPUESTA('<ESTADO>001</ESTADO><GLOSA_ESTADO>Token no existe</GLOSA_ESTADO>'),
      );
      return;
    }
    this.stats.documentQueries++;
    const field = (name: string) => xmlField(body, name) ?? '';
    const answer = this.registry.answer(
      `${field('RutCompania')}-${field('DvCompania')}-${field('TipoDte')}-${field('FolioDte')}`,
      askedStamp(
        field('FechaEmisionDte'),
        `${field('RutReceptor')}-${field('DvReceptor')}`,
        field('MontoDte'),
      ),
      Date.now(),
    );
    this.soap(
      res,
      'getEstDte',
      RESPUESTA(
        `<SII:ESTADO>${answer.code}</SII:ESTADO><SII:GLOSA_ESTADO>${answer.code === 'FAU' ? 'DTE No Recibido' : 'DTE Recibido'}</SII:GLOSA_ESTADO>` +
          `<SII:GLOSA_ERR>${escapeXml(answer.reason)}</SII:GLOSA_ERR><SII:NUM_ATENCION>${randomInt(1e5, 1e6)} (${new Date().toISOString()})</SII:NUM_ATENCION>`,
      ),
    );
  }

  /** The boleta API's per-document status, in the documented codes only. */
  private restDocumentStatus(req: IncomingMessage, res: ServerResponse, path: RegExpExecArray): void {
    if (!this.authorized(req)) {
      send(res, 401, 'application/json', '{"error":"token no valido"}');
      return;
    }
    const params = new URL(req.url ?? '', 'http://simulator').searchParams;
    for (const name of ['rut_receptor', 'dv_receptor', 'monto', 'fechaEmision']) {
      // As the SII does: HTTP 200 with a line of text instead of JSON.
      if (!params.get(name)) {
        send(res, 200, 'application/json', `falta ${name}`);
        return;
      }
    }
    this.stats.documentQueries++;
    const answer = this.registry.documentedAnswer(
      `${path[1]}-${path[2]}-${path[3]}`,
      askedStamp(
        params.get('fechaEmision')!,
        `${params.get('rut_receptor')}-${params.get('dv_receptor')}`,
        params.get('monto')!,
      ),
      Date.now(),
    );
    send(res, 200, 'application/json', JSON.stringify({ codigo: answer.code, descripcion: answer.reason }));
  }

  private restStatus(req: IncomingMessage, res: ServerResponse, trackId: string): void {
    if (this.statusFault(res)) return;
    if (!this.authorized(req)) {
      send(res, 401, 'application/json', '{"error":"token no valido"}');
      return;
    }
    const envio = this.envios.get(trackId);
    if (!envio) {
      send(res, 404, 'application/json', '{"error":"trackid no existe"}');
      return;
    }
    if (envio.readyAt > Date.now()) {
      send(res, 200, 'application/json', JSON.stringify({ estado: 'REC' }));
      return;
    }
    const types = [...new Set(envio.documents.map((d) => d.type))];
    send(
      res,
      200,
      'application/json',
      JSON.stringify({
        estado: envio.envioStatus,
        glosa: envio.glosa,
        estadistica: types.map((tipo) => {
          const of = envio.documents.filter((d) => d.type === tipo);
          return {
            tipo,
            informados: of.length,
            aceptados: of.filter((d) => d.status === 'DOK').length,
            rechazados: of.filter((d) => d.status !== 'DOK' && d.status !== 'RPR').length,
            reparos: of.filter((d) => d.status === 'RPR').length,
          };
        }),
        detalle_rep_rech: envio.documents
          .filter((d) => d.status !== 'DOK')
          .map((d) => ({ tipo: d.type, folio: d.folio, estado: d.status, descripcion: d.reason })),
      }),
    );
  }
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, type: string, body: string): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': type }).end(body);
}
