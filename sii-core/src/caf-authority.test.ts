import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseCaf } from './caf.ts';
import {
  assertCafAuthority,
  cafAuthorityKey,
  cafAuthorityProblem,
  siiCafAuthorities,
} from './caf-authority.ts';
import { makeTestCaf, TEST_CAF_AUTHORITY } from './test-authority/test-authority.ts';

const SAMPLES = new URL('../../../shared/sii/samples/', import.meta.url);
const sample = (name: string) => readFileSync(new URL(name, SAMPLES), 'latin1');
const FORGED =
  'El CAF no es válido: la firma del SII (FRMA) no corresponde a los datos del CAF: el CAF fue modificado o no lo emitió el SII.';

describe("the SII's signature on a CAF (FRMA over DA)", () => {
  it.each([
    'FoliosSII7623529133120254111137.xml',
    'FoliosSII7623529139120254111157.xml',
    'FoliosSII7623529161120254111240.xml',
  ])('verifies the certification CAF %s with the built-in IDK 100 key', (name) => {
    const caf = parseCaf(sample(name));
    expect(caf.idk).toBe(100);
    expect(cafAuthorityProblem(caf, siiCafAuthorities())).toBeNull();
  });

  it('refuses a CAF whose range, RUT or key was edited', () => {
    const text = sample('FoliosSII7623529139120254111157.xml');
    for (const forged of [
      text.replace('<H>20</H>', '<H>1000</H>'),
      text.replace('<RE>76235291-5</RE>', '<RE>76192083-9</RE>'),
      text.replace('<D>1</D>', '<D>2</D>'),
    ]) {
      expect(() => assertCafAuthority(parseCaf(forged), siiCafAuthorities())).toThrow(
        expect.objectContaining({ code: 'CAF_INVALID', message: FORGED }),
      );
    }
  });

  it('refuses a CAF whose IDK has no configured key, naming the IDK', () => {
    const caf = parseCaf(sample('FoliosSII7623529139120254111157.xml'));
    expect(() => assertCafAuthority({ ...caf, idk: 300 }, siiCafAuthorities())).toThrow(
      'El CAF no es válido: no hay una llave del SII configurada para el IDK 300; la llave pública del SII para ese IDK debe configurarse en el servidor.',
    );
  });

  it('accepts test CAFs only where the test authority is added, and never by the SII key', () => {
    const caf = parseCaf(makeTestCaf({ rut: '76192083-9', type: 39, from: 1, to: 10 }));
    expect(cafAuthorityProblem(caf, siiCafAuthorities())).toMatch(/IDK 999/);
    expect(cafAuthorityProblem(caf, siiCafAuthorities([TEST_CAF_AUTHORITY]))).toBeNull();
    // A test CAF relabelled IDK 100 is not the SII's.
    expect(cafAuthorityProblem({ ...caf, idk: 100 }, siiCafAuthorities([TEST_CAF_AUTHORITY]))).toMatch(
      /FRMA/,
    );
  });

  it('reads configured keys as certificates (PEM or DER) or public keys, ignoring certificate dates', () => {
    const pem = readFileSync(new URL('./sii-caf-keys/100.cer', import.meta.url), 'latin1');
    const der = Buffer.from(pem.replace(/-----[^-]+-----|\s+/g, ''), 'base64');
    const builtIn = siiCafAuthorities().get(100)!.export({ format: 'jwk' });
    expect(cafAuthorityKey(der).export({ format: 'jwk' })).toEqual(builtIn);
    const { publicKey } = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const spki = publicKey.export({ type: 'spki', format: 'pem' });
    expect(cafAuthorityKey(spki).export({ format: 'jwk' })).toEqual(publicKey.export({ format: 'jwk' }));
    expect(() => cafAuthorityKey('basura')).toThrow(expect.objectContaining({ code: 'CAF_INVALID' }));
  });
});
