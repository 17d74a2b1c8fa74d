/**
 * `@erp/sii-core`: Chilean electronic tax documents without a database, queue or network —
 * amounts, CAF parsing and checks, TED stamping, XMLDSig signing, envelopes, reading, verifying
 * and the printed timbre. Only what other packages use is exported; test fixtures live in
 * `@erp/sii-core/testing` and the local folio authority in `@erp/sii-core/test-authority`.
 */
export { computeAmounts, type DocumentAmounts } from './amounts.ts';
export { buildDte, checkDocumentTed, type SignedDte, stampDocumentTed, validateDocument } from './builder.ts';
export { type Caf, cafExpiresOn, parseCaf } from './caf.ts';
export {
  assertCafAuthority,
  type CafAuthorities,
  cafAuthorityKey,
  cafAuthorityProblem,
  SII_CERTIFICATION_IDK,
  siiCafAuthorities,
} from './caf-authority.ts';
export { loadPfx, type SigningCredentials } from './certificate.ts';
export { chileTimestamp } from './chile-time.ts';
export {
  buildEnvelope,
  type EnvelopeKind,
  envelopeFit,
  envelopeKindFor,
  MAX_DOCUMENTS,
  MAX_ENVELOPE_BYTES,
} from './envelope.ts';
export { DteError } from './errors.ts';
export { type BuyerField, missingBuyerData } from './identified-boleta.ts';
export {
  generateLeaseKeyPair,
  LEASE_SEAL_ALGORITHM,
  leaseSealContext,
  openSealed,
  type SealedSecret,
  sealToHub,
} from './lease-seal.ts';
export { type ReadDocument, readDocuments } from './reader.ts';
export * from './sale/index.ts';
export {
  type CreditNoteAmounts,
  creditNoteAmounts,
  documentLinePrices,
  lineShare,
  proportionalShares,
  type SaleSummary,
  type SoldLine,
  saleSummary,
  saleTotals,
  type TicketDiscount,
  type TillLine,
  tillLineAmount,
} from './sale-amounts.ts';
export { flattenTed, stampTed, verifyTed } from './ted.ts';
export { TIMBRE_LIMITS_MM, timbrePng, timbreSizeMm } from './timbre.ts';
export { type VerificationReport, type VerifyOptions, verifyFile } from './verifier.ts';
