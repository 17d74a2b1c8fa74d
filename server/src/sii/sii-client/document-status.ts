/**
 * Reading the SII's per-document status answers [docs/sii-rules.md#web-services]: QueryEstDte
 * (SOAP, facturas and notas) and the boleta API's `boleta.electronica/{rut}-{dv}-{tipo}-{folio}/estado`
 * (JSON). Both use the same codes (DOK, DNK, FAU, FNA, FAN, EMP, TMD…ANC), read by
 * `documentStanding`. Pure functions of the answer's text, so they are tested on real answers.
 */
import { xmlField } from './http.ts';
import { type DocumentQuery, documentStanding } from './status-codes.ts';
import type { EnvioDocument } from './types.ts';

type Asked = Pick<EnvioDocument, 'type' | 'folio'>;

/**
 * The `RESPUESTA` document inside `getEstDteReturn`: `ESTADO` is the code, `GLOSA_ERR` (or
 * `GLOSA_ESTADO`) the SII's words for it.
 */
export function readEstDte(answer: string, doc: Asked): DocumentQuery {
  const code = xmlField(answer, 'ESTADO') ?? '';
  const words =
    xmlField(answer, 'GLOSA_ERR') ?? xmlField(answer, 'GLOSA_ESTADO') ?? xmlField(answer, 'GLOSA') ?? '';
  return {
    type: doc.type,
    folio: doc.folio,
    standing: code ? documentStanding(code) : 'unknown',
    code,
    detail: `${code || 'sin ESTADO'}: ${words}`.trim(),
    raw: answer,
  };
}

/**
 * The boleta API's answer, `{ "codigo": "DOK", "descripcion": "…" }`. Anything else (the plain
 * text it answers when a parameter is missing, HTML) settles nothing: `unknown`.
 */
export function readBoletaEstado(text: string, doc: Asked): DocumentQuery {
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    answer = undefined;
  }
  const codigo = (answer as { codigo?: unknown } | undefined)?.codigo;
  const descripcion = (answer as { descripcion?: unknown } | undefined)?.descripcion;
  if (typeof codigo !== 'string' || codigo === '') {
    return {
      type: doc.type,
      folio: doc.folio,
      standing: 'unknown',
      code: '',
      detail: `Respuesta no reconocida: ${text.slice(0, 200)}`,
      raw: text,
    };
  }
  return {
    type: doc.type,
    folio: doc.folio,
    standing: documentStanding(codigo),
    code: codigo,
    detail: `${codigo}: ${typeof descripcion === 'string' ? descripcion : ''}`.trim(),
    raw: text,
  };
}

/** `2026-12-06` → `['06', '12', '2026']` (day, month, year), as both services take the date. */
export function issueDateParts(issueDate: string): [string, string, string] {
  const [y, m, d] = issueDate.slice(0, 10).split('-');
  return [d!, m!, y!];
}
