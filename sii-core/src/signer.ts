/**
 * XMLDSig enveloped signatures in the SII profile [docs/sii-rules.md#signatures]: inclusive C14N 1.0,
 * RSA-SHA1, SHA-1 digest, one Reference to `#ID`, KeyInfo with RSAKeyValue and X509Certificate.
 *
 * The documents this module signs are written by it already in canonical form, so the signer
 * receives the canonical text of the referenced element and digests it directly: no parse, no
 * generic canonicaliser (docs/reliability.md#signing-cost: parsing and C14N cost more than the RSA
 * operation). xml-crypto and xmlsec1 verify the result in the tests.
 */
import { createHash, sign } from 'node:crypto';
import type { SigningCredentials } from './certificate.ts';

export const SII_NAMESPACE = 'http://www.sii.cl/SiiDte';
export const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
const DSIG_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';
const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';

/**
 * Namespace declarations in scope wherever we place a Signature: the DTE root and the envelope
 * root both declare exactly these two, in this (canonical) order.
 */
export const SII_NAMESPACE_DECLARATIONS = `xmlns="${SII_NAMESPACE}" xmlns:xsi="${XSI_NAMESPACE}"`;

/** SignedInfo children, identical in the document and in its canonical form. */
function signedInfoContent(id: string, digest: string): string {
  return (
    `<CanonicalizationMethod Algorithm="${C14N}"></CanonicalizationMethod>` +
    `<SignatureMethod Algorithm="${DSIG_NAMESPACE}rsa-sha1"></SignatureMethod>` +
    `<Reference URI="#${id}"><Transforms><Transform Algorithm="${C14N}"></Transform></Transforms>` +
    `<DigestMethod Algorithm="${DSIG_NAMESPACE}sha1"></DigestMethod><DigestValue>${digest}</DigestValue></Reference>`
  );
}

/**
 * Signs the element with `ID=id` whose canonical form (with the inherited SII namespace
 * declarations, as C14N renders a document subset) is `canonicalTarget`, and returns the
 * `<Signature>` element to append as the last child of the signed element's parent.
 *
 * Canonical SignedInfo: its own default namespace (xmldsig) plus the inherited `xmlns:xsi`,
 * since inclusive C14N renders every namespace in scope on the subset's apex.
 */
export function signatureFor(id: string, canonicalTarget: string, credentials: SigningCredentials): string {
  const digest = createHash('sha1').update(canonicalTarget, 'utf8').digest('base64');
  const content = signedInfoContent(id, digest);
  const canonicalSignedInfo = `<SignedInfo xmlns="${DSIG_NAMESPACE}" xmlns:xsi="${XSI_NAMESPACE}">${content}</SignedInfo>`;
  const value = sign('RSA-SHA1', Buffer.from(canonicalSignedInfo, 'utf8'), credentials.privateKey).toString(
    'base64',
  );
  return (
    `<Signature xmlns="${DSIG_NAMESPACE}"><SignedInfo>${content}</SignedInfo>` +
    `<SignatureValue>${wrap(value)}</SignatureValue>` +
    `<KeyInfo><KeyValue><RSAKeyValue><Modulus>${wrap(credentials.modulus)}</Modulus>` +
    `<Exponent>${credentials.exponent}</Exponent></RSAKeyValue></KeyValue>` +
    `<X509Data><X509Certificate>${wrap(credentials.certificate)}</X509Certificate></X509Data></KeyInfo></Signature>`
  );
}

/** Base64 in 76-character lines as in the SII's own example (cosmetic; LF only, never CR). */
function wrap(base64: string): string {
  return base64.replace(/.{76}(?=.)/g, '$&\n');
}
