import type { SigningCredentials } from '@erp/sii-core';
import { SignedXml } from 'xml-crypto';

const C14N = 'http://www.w3.org/TR/2001/REC-xml-c14n-20010315';
const DSIG = 'http://www.w3.org/2000/09/xmldsig#';

/**
 * The signed `<getToken>` both SII token services take: the seed, signed as a whole document
 * (Reference URI="", enveloped-signature transform) with RSAKeyValue and the certificate in
 * KeyInfo [docs/sii-rules.md#web-services]. A one-off per token, so the general signer (xml-crypto) is fine
 * here.
 */
export function signedTokenRequest(seed: string, credentials: SigningCredentials): string {
  const signer = new SignedXml({
    privateKey: credentials.privateKey,
    canonicalizationAlgorithm: C14N,
    signatureAlgorithm: `${DSIG}rsa-sha1`,
    getKeyInfoContent: () =>
      `<KeyValue><RSAKeyValue><Modulus>${credentials.modulus}</Modulus><Exponent>${credentials.exponent}</Exponent></RSAKeyValue></KeyValue>` +
      `<X509Data><X509Certificate>${credentials.certificate}</X509Certificate></X509Data>`,
  });
  signer.addReference({
    xpath: '/*',
    transforms: [`${DSIG}enveloped-signature`, C14N],
    digestAlgorithm: `${DSIG}sha1`,
    isEmptyUri: true,
  });
  signer.computeSignature(`<getToken><item><Semilla>${seed}</Semilla></item></getToken>`);
  return `<?xml version="1.0" encoding="UTF-8"?>${signer.getSignedXml()}`;
}
