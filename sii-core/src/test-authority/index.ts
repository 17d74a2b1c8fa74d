/**
 * `@erp/sii-core/test-authority`: the local stand-in for the SII's folio authority and a maker of
 * throw-away certificates. Not only for tests: the demo seed issues its CAFs and certificate with
 * it, the SII simulator and the back office's CAF upload (simulator target) check CAF signatures
 * against it, and the benchmarks use it. Kept out of the main entry so production code that
 * imports it says so.
 */
export {
  makeTestCaf,
  TEST_CAF_AUTHORITY,
  TEST_CAF_IDK,
  type TestCafOptions,
  verifyTestCafAuthority,
} from './test-authority.ts';
export { makeTestCertificate } from './test-certificate.ts';
