import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assertCafCovers, cafExpiresOn, parseCaf } from './caf.ts';
import { makeTestCaf, TEST_CAF_IDK, verifyTestCafAuthority } from './test-authority/test-authority.ts';

const SAMPLES = new URL('../../../shared/sii/samples/', import.meta.url);

describe('parseCaf', () => {
  it('reads a real SII CAF, ISO-8859-1 without encoding declaration', () => {
    const caf = parseCaf(readFileSync(new URL('FoliosSII7623529139120254111157.xml', SAMPLES)));
    expect(caf).toMatchObject({
      issuerRut: '76235291-5',
      type: 39,
      from: 1,
      to: 20,
      authorizedOn: '2025-04-11',
      idk: 100,
    });
    expect(caf.issuerName).toBe('DISEÑO Y ENTRETENIMIENTOS WITHIN PLAY LI');
    expect(caf.cafXml).toMatch(/^<CAF version="1.0"><DA><RE>76235291-5<\/RE><RS>DISEÑO/);
    expect(caf.cafXml).not.toMatch(/>\s+</);
    expect(cafExpiresOn(caf)).toBeNull();
  });

  it('refuses a CAF whose private key does not match its public key', () => {
    const a = readFileSync(new URL('FoliosSII7623529133120254111137.xml', SAMPLES), 'latin1');
    const b = readFileSync(new URL('FoliosSII7623529161120254111240.xml', SAMPLES), 'latin1');
    const mixed = a.replace(/<RSASK>[\s\S]*<\/RSASK>/, /<RSASK>[\s\S]*<\/RSASK>/.exec(b)![0]);
    expect(() => parseCaf(mixed)).toThrow(
      'El archivo CAF no es válido: la llave RSASK no corresponde a RSAPK.',
    );
  });

  it('refuses DTDs (XXE, entity expansion)', () => {
    const attack =
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><AUTORIZACION><CAF version="1.0">&e;</CAF><RSASK>x</RSASK></AUTORIZACION>';
    expect(() => parseCaf(attack)).toThrow(/DOCTYPE/);
  });
});

describe('test CAFs', () => {
  it('are signed by the local test authority and carry the test IDK', () => {
    const caf = parseCaf(
      makeTestCaf({
        rut: '76192083-9',
        name: 'ALMACÉN & CÍA',
        type: 33,
        from: 5,
        to: 9,
        authorizedOn: '2025-01-10',
      }),
    );
    expect(caf).toMatchObject({
      issuerRut: '76192083-9',
      issuerName: 'ALMACÉN & CÍA',
      type: 33,
      from: 5,
      to: 9,
      idk: TEST_CAF_IDK,
    });
    expect(verifyTestCafAuthority(caf)).toBe(true);
    expect(verifyTestCafAuthority({ ...caf, daXml: caf.daXml.replace('<H>9</H>', '<H>99</H>') })).toBe(false);
    expect(cafExpiresOn(caf)).toBe('2025-07-09');
  });
});

describe('assertCafCovers', () => {
  const caf = parseCaf(
    makeTestCaf({ rut: '76192083-9', type: 61, from: 10, to: 20, authorizedOn: '2025-01-10' }),
  );
  const ok = { issuerRut: '76192083-9', type: 61, folio: 10, stampedOn: '2025-07-09' };

  it('accepts a folio in range before expiry', () => {
    expect(() => assertCafCovers(caf, ok)).not.toThrow();
  });

  it.each([
    [{ issuerRut: '60803000-K' }, 'El CAF pertenece al RUT 76192083-9, no al emisor 60803000-K.'],
    [{ type: 56 }, 'El CAF autoriza documentos tipo 61, no tipo 56.'],
    [{ folio: 21 }, 'El folio 21 está fuera del rango autorizado por el CAF (10 a 20).'],
    [{ folio: 9 }, 'El folio 9 está fuera del rango autorizado por el CAF (10 a 20).'],
    [{ stampedOn: '2025-07-10' }, 'El CAF venció el 2025-07-09: solicite nuevos folios al SII.'],
  ])('refuses %o', (change, message) => {
    expect(() => assertCafCovers(caf, { ...ok, ...change })).toThrow(
      expect.objectContaining({ code: 'CAF_INVALID', message }),
    );
  });
});
