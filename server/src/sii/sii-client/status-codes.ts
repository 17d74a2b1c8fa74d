/**
 * The SII's answer codes mapped to what the pipeline does with them [docs/sii-rules.md#web-services].
 */

export type DocumentOutcome = 'accepted' | 'objected' | 'rejected';

export interface DocumentResult {
  type: number;
  folio: number;
  outcome: DocumentOutcome;
  /** The SII's code and reason, as it gave them. */
  status: string;
  detail: string;
}

/** Status of an envío: still being processed, or final with the outcome of each document. */
export type EnvioStatus =
  | { final: false; status: string; raw: string }
  | { final: true; status: string; detail: string; raw: string; documents: DocumentResult[] };

/** DTEUpload `STATUS` [WS-UPLOAD 2.1–2.2]: 0 received; the rest refuse the file. */
export const UPLOAD_STATUS: Readonly<
  Record<string, { meaning: string; retry: 'token' | 'later' | 'never' }>
> = {
  '1': { meaning: 'El usuario que envía no tiene permiso para enviar', retry: 'never' },
  '2': { meaning: 'Error en el tamaño del archivo', retry: 'never' },
  '3': { meaning: 'Archivo cortado (tamaño distinto al informado)', retry: 'later' },
  '5': { meaning: 'No está autenticado', retry: 'token' },
  '6': { meaning: 'Empresa no autorizada a enviar archivos', retry: 'never' },
  '7': { meaning: 'Esquema inválido', retry: 'never' },
  '8': { meaning: 'Error en la firma del documento', retry: 'never' },
  '9': { meaning: 'Sistema bloqueado', retry: 'later' },
  '-1': { meaning: 'Solicitud mal formada', retry: 'never' },
};

/** Envío states that are final for the whole envío: rejected before looking at documents. */
export const ENVIO_REJECTED: Readonly<Record<string, string>> = {
  RCT: 'Rechazado por error en carátula',
  RFR: 'Rechazado por error en firma',
  RSC: 'Rechazado por error en esquema',
  RCH: 'Rechazado',
  RCS: 'Rechazado por error en esquema',
  RPT: 'Rechazado por repetido',
  '105': 'Rechazado',
  '106': 'Rechazado',
};

/** Intermediate envío states: ask again later. */
export const ENVIO_PENDING: ReadonlySet<string> = new Set([
  'REC',
  'SOK',
  'CRT',
  'FOK',
  'PDR',
  'SDK',
  '-11',
  'RPR_PENDIENTE',
]);

/** Token unknown or inactive at the SOAP status service. */
export const TOKEN_PROBLEMS: ReadonlySet<string> = new Set(['001', '002', '003', '-3']);

/** Per-document states of the boleta API and of QueryEstDte. */
export function documentOutcome(status: string): DocumentOutcome {
  if (status === 'DOK' || status === 'EPR' || status === 'ACE') return 'accepted';
  if (status === 'RPR' || status === 'RLV' || status === 'ACD' || status === 'RPD') return 'objected';
  return 'rejected';
}

/**
 * What the SII holds of one document, from its per-document status services (QueryEstDte for
 * facturas and notas, `boleta.electronica/{rut}-{dv}-{tipo}-{folio}/estado` for boletas):
 * - `accepted`, `objected`, `rejected`: the SII processed the document and this is its verdict;
 * - `held`: the SII has a document under this folio whose amount, date or receiver differ from
 *   ours (DNK), so it is neither ours to call accepted nor free to send again;
 * - `not-received`: the SII says it has no such document (FAU); also what it answers while the
 *   envío that carries it is still being processed;
 * - `unknown`: an answer that settles nothing (a company-level refusal, an error code, an
 *   unreadable answer): ask again later, never act on it.
 */
export type DocumentStanding = 'accepted' | 'objected' | 'rejected' | 'held' | 'not-received' | 'unknown';

/** A per-document status answer, read: the standing, the SII's code and words, the raw answer. */
export interface DocumentQuery {
  type: number;
  folio: number;
  standing: DocumentStanding;
  code: string;
  detail: string;
  raw: string;
}

/**
 * Codes that say the SII registered the document and a later nota changed its text (TMD, TMC),
 * its amounts (MMD, MMC) or annulled it (AND, ANC): it was received and accepted; the nota is a
 * document of its own.
 */
const MODIFIED_BY_NOTE: ReadonlySet<string> = new Set(['TMD', 'TMC', 'MMD', 'MMC', 'AND', 'ANC']);

/** Per-document verdicts the simulator's QueryEstDte gives for documents it judged. */
const VERDICTS: Readonly<Record<string, DocumentStanding>> = {
  DOK: 'accepted',
  EPR: 'accepted',
  ACE: 'accepted',
  RPR: 'objected',
  RLV: 'objected',
  ACD: 'objected',
  RPD: 'objected',
  RCH: 'rejected',
  RCT: 'rejected',
  RFR: 'rejected',
  RSC: 'rejected',
  // Folio not authorised, or annulled before being sent: this document can never be valid.
  FNA: 'rejected',
  FAN: 'rejected',
  FAU: 'not-received',
  DNK: 'held',
};

/** The standing of a per-document status code; anything not listed (EMP, -1…-4) is `unknown`. */
export function documentStanding(code: string): DocumentStanding {
  if (MODIFIED_BY_NOTE.has(code)) return 'accepted';
  return VERDICTS[code] ?? 'unknown';
}

/**
 * Whether a rejection in an envío's status is the SII refusing a copy of a document it already
 * has: the whole envío repeated (RPT) or the document's reason saying "repetido". Such a
 * rejection says nothing about the document the SII holds.
 */
export function isRepeatedRejection(result: Pick<DocumentResult, 'outcome' | 'status' | 'detail'>): boolean {
  return result.outcome === 'rejected' && (result.status === 'RPT' || /repetid/i.test(result.detail));
}

/**
 * What both APIs answer alike: an envío still being processed, or one refused whole (each of its
 * documents rejected with the envío's reason, or the code's meaning when the SII gives none).
 * Undefined once the envío is processed: then its documents are read one by one.
 */
export function unprocessedEnvio(
  estado: string,
  reason: string | undefined,
  raw: string,
  documents: readonly { type: number; folio: number }[],
): EnvioStatus | undefined {
  if (ENVIO_PENDING.has(estado)) return { final: false, status: estado, raw };
  const rejected = ENVIO_REJECTED[estado];
  if (!rejected) return undefined;
  const detail = `${estado}: ${reason ?? rejected}`;
  return {
    final: true,
    status: estado,
    detail,
    raw,
    documents: documents.map((d) => ({
      type: d.type,
      folio: d.folio,
      outcome: 'rejected',
      status: estado,
      detail,
    })),
  };
}
