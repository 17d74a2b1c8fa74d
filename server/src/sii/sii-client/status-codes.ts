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
