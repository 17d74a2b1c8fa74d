/**
 * `@erp/sii-core/testing`: fixtures (a certificate, CAFs, sample documents) and the external
 * reference tools (xmllint, xmlsec1, poppler, ZXing) for the tests of the packages that use the
 * SII core. Never imported by production code.
 */

export { pngSize } from '../timbre.ts';
export { run, writeStandalone, xmllintSchema, xmlsecVerify } from './external-tools.ts';
export { ISSUER_RUT, SIGNER_RUT, sampleDocument, testCaf, testCredentials } from './fixtures.ts';
