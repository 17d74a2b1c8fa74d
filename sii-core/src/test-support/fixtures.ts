/**
 * Shared test fixtures: one throw-away certificate and one test CAF per document type, made once
 * per test file (key generation is the slow part).
 */
import type { DteDocumentInput, DteType } from '@erp/shared';
import { type Caf, parseCaf } from '../caf.ts';
import { loadPfx, type SigningCredentials } from '../certificate.ts';
import { makeTestCaf } from '../test-authority/test-authority.ts';
import { makeTestCertificate } from '../test-authority/test-certificate.ts';

export const ISSUER_RUT = '76192083-9';
export const SIGNER_RUT = '12345678-5';
/** Every character the SII's C14N and ISO-8859-1 traps are about. */
export const TRICKY = `ñ Ñ á É ' " & < >`;

let credentials: SigningCredentials | undefined;
export function testCredentials(): SigningCredentials {
  credentials ??= loadPfx(
    makeTestCertificate({ rut: SIGNER_RUT, name: 'Firmante de Prueba', password: 'test' }),
    'test',
  );
  return credentials;
}

const cafs = new Map<number, Caf>();
export function testCaf(type: DteType): Caf {
  let caf = cafs.get(type);
  if (!caf) {
    caf = parseCaf(makeTestCaf({ rut: ISSUER_RUT, name: `MINIMARKET ${TRICKY}`, type, from: 1, to: 1000 }));
    cafs.set(type, caf);
  }
  return caf;
}

export function testIssuer(): DteDocumentInput['issuer'] {
  return {
    rut: ISSUER_RUT,
    businessName: `Minimarket ${TRICKY} SpA`,
    activity: `Venta al por menor ${TRICKY}`,
    address: `Av. Irarrázaval ${TRICKY} 1234`,
    commune: 'Ñuñoa',
    city: 'Santiago',
    acteco: [471100],
    siiBranchCode: 81234567,
    resolution: { number: 80, date: '2014-08-22' },
  };
}

/** A representative document of each type, with the tricky characters in every text field. */
export function sampleDocument(type: DteType, folio = 1): DteDocumentInput {
  const receiver = {
    rut: '60803000-K',
    businessName: `Cliente ${TRICKY} Ltda`,
    activity: `Giro ${TRICKY}`,
    address: `Calle ${TRICKY} 99`,
    commune: 'Providencia',
    city: 'Santiago',
  };
  const lines = [
    {
      name: `Pan amasado ${TRICKY}`,
      description: `Granel ${TRICKY}`,
      quantity: '1.235',
      unit: 'KG',
      unitPrice: '1990',
    },
    { name: 'Bebida 1.5 L', quantity: 3, unitPrice: '1290.5', discountPercent: '10' },
    {
      name: 'Huevos',
      quantity: 1,
      unitPrice: 3500,
      exempt: true,
      discountAmount: 100,
      code: { type: 'EAN13', value: '7801234567890' },
    },
  ];
  const common = { folio, issueDate: '2025-06-04', issuer: testIssuer() };
  // On the net documents the drink carries its additional tax (a sugary drink, 18 %): the
  // builder writes CodImpAdic and ImptoReten, and the schema checks both.
  const netLines = lines.map((line) =>
    line.name === 'Bebida 1.5 L' ? { ...line, additionalTax: 271 as const } : line,
  );
  switch (type) {
    case 39:
      return {
        ...common,
        type,
        paymentMethod: 1,
        lines,
        adjustments: [{ kind: 'discount', percent: '5', description: `Promo ${TRICKY}` }],
      };
    case 41:
      return { ...common, type, lines: lines.map(({ exempt: _, ...line }) => line) };
    case 34:
      return {
        ...common,
        type,
        receiver,
        paymentForm: 1,
        lines: lines.map(({ exempt: _, ...line }) => line),
      };
    case 52:
      return { ...common, type, receiver, transferType: 1, lines: netLines };
    case 56:
    case 61:
      return {
        ...common,
        type,
        receiver,
        lines: netLines,
        references: [
          { type: 33, folio: 15, date: '2025-06-01', code: 3, reason: `Corrige montos ${TRICKY}` },
        ],
      };
    default:
      return {
        ...common,
        type,
        receiver,
        paymentForm: 2,
        dueDate: '2025-07-04',
        lines: netLines,
        adjustments: [{ kind: 'surcharge', amount: 500, description: `Flete ${TRICKY}` }],
        references: [{ type: '801', folio: 'OC-77', date: '2025-06-01', reason: `Orden ${TRICKY}` }],
      };
  }
}
