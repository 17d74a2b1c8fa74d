/** Public API of the SII documents module (pure: no database, no network). */
export { computeAmounts, type DocumentAmounts, type Totals } from './amounts.ts';
export { type BuildDteOptions, buildDte, type SignedDte, validateDocument } from './builder.ts';
export { assertCafCovers, type Caf, cafExpiresOn, parseCaf } from './caf.ts';
export { loadPfx, makeTestCertificate, type SigningCredentials } from './certificate.ts';
export { buildEnvelope, type EnvelopeKind, type EnvelopeOptions, envelopeKindFor } from './envelope.ts';
export { DteError } from './errors.ts';
export { DtePdfRenderer, type PdfFormat, type PrintOptions } from './pdf.ts';
export { cutDtes, type ReadDocument, type ReadResult, readDocuments } from './reader.ts';
export { type SchemaKind, type SchemaResult, validateSchema } from './schema.ts';
export { flattenTed, stampTed, verifyTed } from './ted.ts';
export { makeTestCaf, TEST_CAF_IDK, verifyTestCafAuthority } from './test-authority/test-authority.ts';
export { TIMBRE_LIMITS_MM, timbrePng, timbreSizeMm } from './timbre.ts';
export { type DocumentReport, type VerificationReport, verifyFile } from './verifier.ts';
