import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignedXml } from 'xml-crypto';
import { xmlField } from '../sii-client/http.ts';

const hasXmlsec = spawnSync('xmlsec1', ['--version']).status === 0;

/**
 * Verifies the enveloped signature of a signed seed with xmlsec1, an implementation independent
 * of xml-crypto that signed it; falls back to xml-crypto where xmlsec1 is not installed.
 */
export function verifySignedSeed(xml: string): boolean {
  if (!hasXmlsec) return verifyWithXmlCrypto(xml);
  const dir = mkdtempSync(join(tmpdir(), 'sii-seed-'));
  try {
    const file = join(dir, 'seed.xml');
    writeFileSync(file, xml);
    return spawnSync('xmlsec1', ['--verify', '--insecure', file], { stdio: 'ignore' }).status === 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function verifyWithXmlCrypto(xml: string): boolean {
  try {
    const certificate = xmlField(xml, 'X509Certificate')?.replace(/\s+/g, '');
    const signature = /<Signature\b[\s\S]*<\/Signature>/.exec(xml)?.[0];
    if (!certificate || !signature) return false;
    const verifier = new SignedXml({
      publicCert: new X509Certificate(Buffer.from(certificate, 'base64')).publicKey,
      getCertFromKeyInfo: () => null,
    });
    verifier.loadSignature(signature);
    return verifier.checkSignature(xml);
  } catch {
    return false;
  }
}
