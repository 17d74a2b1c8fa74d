/**
 * Reading the SII's per-document status answers, on answers shaped as the SII gives them: the
 * `RESPUESTA` of QueryEstDte (prefixed elements, ERR_CODE and NUM_ATENCION beside the code) and
 * the boleta API's `{ codigo, descripcion }`, plus what it answers when a parameter is missing.
 */
import { describe, expect, it } from 'vitest';
import { issueDateParts, readBoletaEstado, readEstDte } from './document-status.ts';
import { documentStanding, isRepeatedRejection } from './status-codes.ts';

const factura = { type: 33, folio: 1532 };
const boleta = { type: 39, folio: 88041 };

function estDte(estado: string, glosaEstado: string, errCode: string, glosaErr: string): string {
  return (
    '<SII:RESPUESTA xmlns:SII="http://www.sii.cl/XMLSchema"><SII:RESP_HDR>' +
    `<SII:ESTADO>${estado}</SII:ESTADO><SII:GLOSA_ESTADO>${glosaEstado}</SII:GLOSA_ESTADO>` +
    `<SII:ERR_CODE>${errCode}</SII:ERR_CODE><SII:GLOSA_ERR>${glosaErr}</SII:GLOSA_ERR>` +
    '<SII:NUM_ATENCION>257003 ( 2026/12/06 12:45:03)</SII:NUM_ATENCION></SII:RESP_HDR></SII:RESPUESTA>'
  );
}

describe('QueryEstDte answers', () => {
  it('reads received-and-matching as accepted, with the SII words', () => {
    const raw = estDte(
      'DOK',
      'DTE Recibido',
      '0',
      'Documento Recibido por el SII. Datos Coinciden con los Registrados',
    );
    expect(readEstDte(raw, factura)).toEqual({
      type: 33,
      folio: 1532,
      standing: 'accepted',
      code: 'DOK',
      detail: 'DOK: Documento Recibido por el SII. Datos Coinciden con los Registrados',
      raw,
    });
  });

  it('tells not received (FAU) from held with other data (DNK) and from a later nota (MMC, ANC)', () => {
    const answers = [
      estDte('FAU', 'DTE No Recibido', '3', 'Documento No Recibido por el SII'),
      estDte(
        'DNK',
        'DTE Recibido',
        '1',
        'Documento Recibido por el SII pero Datos NO Coinciden con los registrados',
      ),
      estDte('MMC', 'DTE Recibido', '13', 'Existe Nota de Credito que Modifica Montos del Documento'),
      estDte('ANC', 'DTE Recibido', '15', 'Existe Nota de Credito que Anula Documento'),
      estDte('FAN', 'DTE No Recibido', '5', 'Documento Anulado'),
    ].map((raw) => readEstDte(raw, factura));
    expect(answers.map((a) => [a.code, a.standing])).toEqual([
      ['FAU', 'not-received'],
      ['DNK', 'held'],
      ['MMC', 'accepted'],
      ['ANC', 'accepted'],
      ['FAN', 'rejected'],
    ]);
    expect(answers[0]!.detail).toBe('FAU: Documento No Recibido por el SII');
  });

  it('settles nothing on a company refusal, an error code or an answer without ESTADO', () => {
    const answers = [
      estDte(
        'EMP',
        'Empresa No Autorizada',
        '6',
        'Empresa no autorizada a Emitir Documentos Tributarios Electronicos',
      ),
      '<SII:RESPUESTA xmlns:SII="http://www.sii.cl/XMLSchema"><SII:RESP_HDR><SII:ESTADO>-3</SII:ESTADO><SII:GLOSA>ERROR RETORNO</SII:GLOSA></SII:RESP_HDR></SII:RESPUESTA>',
      '<html><body>Servicio no disponible</body></html>',
    ].map((raw) => readEstDte(raw, factura));
    expect(answers.map((a) => a.standing)).toEqual(['unknown', 'unknown', 'unknown']);
    expect(answers[1]!.detail).toBe('-3: ERROR RETORNO');
    expect(answers[2]!.detail).toBe('sin ESTADO:');
  });
});

describe('boleta API answers', () => {
  it('reads the documented codes', () => {
    const ok =
      '{"codigo":"DOK","descripcion":"Documento Recibido por el SII. Datos Coinciden con los Registrados."}';
    expect(readBoletaEstado(ok, boleta)).toEqual({
      type: 39,
      folio: 88041,
      standing: 'accepted',
      code: 'DOK',
      detail: 'DOK: Documento Recibido por el SII. Datos Coinciden con los Registrados.',
      raw: ok,
    });
    const answers = [
      '{"codigo":"FAU","descripcion":"Documento No Recibido por el SII."}',
      '{"codigo":"DNK","descripcion":"Documento Recibido por el SII pero Datos NO Coinciden con los registrados."}',
      '{"codigo":"AND","descripcion":"Existe Nota de Debito que Anula Documento"}',
      '{"codigo":"EMP","descripcion":"Empresa No Autorizada a Emitir Documentos Tributarios Electronicos"}',
    ].map((text) => readBoletaEstado(text, boleta));
    expect(answers.map((a) => [a.code, a.standing])).toEqual([
      ['FAU', 'not-received'],
      ['DNK', 'held'],
      ['AND', 'accepted'],
      ['EMP', 'unknown'],
    ]);
  });

  it('settles nothing on the plain-text answer to a missing parameter, an error body or HTML', () => {
    for (const text of ['falta rut_receptor', '{"error":"token no valido"}', '<html>Error</html>', '']) {
      const answer = readBoletaEstado(text, boleta);
      expect(answer).toMatchObject({ standing: 'unknown', code: '', raw: text });
      expect(answer.detail).toBe(`Respuesta no reconocida: ${text}`);
    }
  });
});

describe('codes and dates', () => {
  it('maps the simulator verdicts and leaves unlisted codes unknown', () => {
    expect(['DOK', 'EPR', 'RPR', 'RLV', 'RCH', 'RFR'].map(documentStanding)).toEqual([
      'accepted',
      'accepted',
      'objected',
      'objected',
      'rejected',
      'rejected',
    ]);
    expect(['EMP', '-1', '001', 'XYZ', ''].map(documentStanding)).toEqual(Array(5).fill('unknown'));
  });

  it('recognises a refusal of a repeated copy, and only a refusal', () => {
    const rejected = (status: string, detail: string) => ({ outcome: 'rejected' as const, status, detail });
    expect(isRepeatedRejection(rejected('RCH', 'RCH: DTE repetido: el folio 7 ya fue recibido'))).toBe(true);
    expect(isRepeatedRejection(rejected('RPT', 'RPT: Rechazado por repetido'))).toBe(true);
    expect(isRepeatedRejection(rejected('RCH', 'RCH: Monto total no cuadra'))).toBe(false);
    expect(
      isRepeatedRejection({ outcome: 'objected', status: 'RPR', detail: 'RPR: Repetido en detalle' }),
    ).toBe(false);
  });

  it('splits the issue date into day, month and year', () => {
    expect(issueDateParts('2026-12-06')).toEqual(['06', '12', '2026']);
    expect(issueDateParts('2026-01-31T00:00:00')).toEqual(['31', '01', '2026']);
  });
});
