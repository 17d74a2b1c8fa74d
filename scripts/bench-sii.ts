/**
 * `npm run bench:sii`: builds, stamps (TED), signs (XMLDSig) and envelopes 1,000 boletas of 5
 * lines, single thread, with keys parsed once; then measures a bare RSA-2048 SHA-1 signature
 * in the same run for comparison.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import type { DteDocumentInput } from '@erp/shared';
import { buildDte, buildEnvelope, loadPfx, parseCaf } from '@erp/sii-core';
import { makeTestCaf, makeTestCertificate } from '@erp/sii-core/test-authority';

const BOLETAS = 1000;
const PER_ENVELOPE = 500;

const credentials = loadPfx(
  makeTestCertificate({ rut: '12345678-5', name: 'Benchmark', password: 'bench' }),
  'bench',
);
const caf = parseCaf(makeTestCaf({ rut: '76192083-9', type: 39, from: 1, to: BOLETAS }));
const issuer: DteDocumentInput['issuer'] = {
  rut: '76192083-9',
  businessName: 'Minimarket Ñuñoa SpA',
  activity: 'Venta al por menor en comercios de alimentos',
  address: 'Av. Irarrázaval 1234',
  commune: 'Ñuñoa',
  acteco: [471100],
  resolution: { number: 80, date: '2014-08-22' },
};
const boleta = (folio: number): DteDocumentInput => ({
  type: 39,
  folio,
  issueDate: '2025-06-04',
  paymentMethod: 1,
  issuer,
  lines: [
    { name: 'Pan amasado', quantity: '1.235', unit: 'KG', unitPrice: '1990' },
    { name: 'Leche entera 1 L', quantity: 2, unitPrice: '1090' },
    { name: 'Bebida 1.5 L', quantity: 1, unitPrice: '1490', discountPercent: '10' },
    { name: 'Huevos docena', quantity: 1, unitPrice: '3500' },
    { name: 'Tomate', quantity: '0.850', unit: 'KG', unitPrice: '1290' },
  ],
});

// Warm-up (JIT, Intl, zod), not measured.
buildEnvelope([buildDte(boleta(1), { caf, credentials })], { credentials });

const start = performance.now();
let bytes = 0;
for (let first = 1; first <= BOLETAS; first += PER_ENVELOPE) {
  const dtes = [];
  for (let folio = first; folio < first + PER_ENVELOPE && folio <= BOLETAS; folio++)
    dtes.push(buildDte(boleta(folio), { caf, credentials }));
  bytes += buildEnvelope(dtes, { credentials }).length;
}
const seconds = (performance.now() - start) / 1000;

const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const message = Buffer.alloc(600, 'x');
const signStart = performance.now();
let signatures = 0;
while (performance.now() - signStart < 2000) {
  sign('RSA-SHA1', message, privateKey);
  signatures++;
}
const signSeconds = (performance.now() - signStart) / 1000;

console.log(
  `${BOLETAS} boletas (5 lines, TED + XMLDSig, ${Math.ceil(BOLETAS / PER_ENVELOPE)} signed EnvioBOLETA, ${(bytes / 1024).toFixed(0)} KiB) in ${seconds.toFixed(2)} s`,
);
console.log(`boletas/s: ${(BOLETAS / seconds).toFixed(0)}`);
console.log(`bare RSA-2048 SHA-1 signatures/s (one thread): ${(signatures / signSeconds).toFixed(0)}`);
