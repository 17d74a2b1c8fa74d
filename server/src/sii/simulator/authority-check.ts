import { TEST_CAF_IDK, verifyTestCafAuthority } from '@erp/sii-core/test-authority';
import { xmlField } from '../sii-client/http.ts';

/**
 * The SII's folio check, done from the TED alone: the CAF inside it must be signed by the
 * (test) authority, belong to the issuer and type, and cover the folio. Returns why not, or null.
 */
export function checkTedAuthority(
  ted: string,
  issuerRut: string,
  type: number,
  folio: number,
): string | null {
  const flat = ted.replace(/>\s+</g, '><');
  const daXml = /<DA>[\s\S]*<\/DA>/.exec(flat.slice(flat.indexOf('<CAF')))?.[0];
  const signature = xmlField(flat.slice(flat.indexOf('<CAF')), 'FRMA');
  if (!daXml || !signature) return 'el timbre no contiene un CAF';
  if (Number(xmlField(daXml, 'IDK')) !== TEST_CAF_IDK || !verifyTestCafAuthority({ daXml, signature })) {
    return 'folio no autorizado: el CAF no fue firmado por la autoridad de folios';
  }
  if (xmlField(daXml, 'RE') !== issuerRut) return `el CAF no es del emisor ${issuerRut}`;
  if (Number(xmlField(daXml, 'TD')) !== type) return `el CAF no autoriza documentos tipo ${type}`;
  const from = Number(xmlField(daXml, 'D'));
  const to = Number(xmlField(daXml, 'H'));
  if (folio < from || folio > to) return `folio ${folio} fuera del rango autorizado (${from} a ${to})`;
  return null;
}
