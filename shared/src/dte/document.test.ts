import { describe, expect, it } from 'vitest';
import { canonicalDecimal, fromScaled, toScaled } from './decimal.ts';
import { parseDteDocument } from './document.ts';
import { toLatin1Text } from './latin1.ts';

const issuer = {
  rut: '76.192.083-9',
  businessName: 'Minimarket Ñuñoa SpA',
  activity: 'Venta al por menor en comercios de alimentos',
  address: 'Av. Irarrázaval 1234',
  commune: 'Ñuñoa',
  acteco: [471100],
  resolution: { number: 0, date: '2025-03-26' },
};

describe('decimal helpers', () => {
  it('canonicalises strings and safe JSON numbers, refusing imprecise ones', () => {
    expect(canonicalDecimal('007.500')).toBe('7.5');
    expect(canonicalDecimal(0.25)).toBe('0.25');
    expect(canonicalDecimal('1e3')).toBeNull();
    expect(canonicalDecimal(-1)).toBeNull();
    // A JSON number with 18 significant digits was already rounded by the parser.
    expect(canonicalDecimal(JSON.parse('123456789012.123456') as number)).toBeNull();
  });
  it('converts to and from scaled integers exactly', () => {
    expect(toScaled('1.234567', 6)).toBe(1234567n);
    expect(toScaled('12', 6)).toBe(12000000n);
    expect(fromScaled(1500000n, 6)).toBe('1.5');
    expect(fromScaled(7n, 6)).toBe('0.000007');
    expect(() => toScaled('1.1234567', 6)).toThrow(RangeError);
  });
});

describe('toLatin1Text', () => {
  it('replaces typographic characters and keeps Spanish letters', () => {
    expect(toLatin1Text(' “Pan” – ñandú…\r\n ')).toEqual({ ok: true, text: '"Pan" - ñandú...' });
  });
  it('refuses characters outside ISO-8859-1 instead of dropping them', () => {
    expect(toLatin1Text('Pan 🍞 ok')).toEqual({ ok: false, invalid: ['🍞'] });
  });
});

describe('parseDteDocument', () => {
  it('normalises a boleta and fills the anonymous receiver', () => {
    const result = parseDteDocument({
      type: 39,
      issueDate: '2025-06-04',
      issuer,
      lines: [{ name: 'Pan amasado', quantity: 0.5, unitPrice: '2490', unit: 'KG' }],
    });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.data.issuer.rut).toBe('76192083-9');
    expect(result.data.receiver.rut).toBe('66666666-6');
    expect(result.data.lines[0]!.quantity).toBe('0.5');
    expect(result.data.serviceIndicator).toBe(3);
  });

  it('reports every problem in Spanish with its path', () => {
    const result = parseDteDocument({
      type: 33,
      issueDate: '2025-02-30',
      issuer: { ...issuer, rut: '76192083-0' },
      receiver: { rut: '60803000-K', businessName: 'SII' },
      lines: [{ name: 'Caja 😀', quantity: '1.1234567', unitPrice: 10, exempt: true }],
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues).toEqual(
      expect.arrayContaining([
        'issueDate: Fecha inválida: use AAAA-MM-DD entre 2000-01-01 y 2050-12-31',
        'issuer.rut: RUT inválido: 76192083-0',
        'lines.0.name: Contiene caracteres no admitidos por el SII (ISO-8859-1): 😀',
        'lines.0.quantity: Admite a lo más 6 decimales',
      ]),
    );
  });

  it('enforces per-type rules', () => {
    const base = { issueDate: '2025-06-04', issuer, receiver: { rut: '60803000-K', businessName: 'SII' } };
    const line = { name: 'Item', unitPrice: 100 };
    const issuesOf = (doc: object) => {
      const r = parseDteDocument(doc);
      return r.ok ? [] : r.issues;
    };
    expect(issuesOf({ ...base, type: 33, lines: [line] })).toContain(
      'receiver: La factura o guía requiere giro, dirección y comuna del receptor',
    );
    expect(issuesOf({ ...base, type: 61, lines: [line] })).toContain(
      'references: Las notas de crédito y débito deben referenciar el documento que modifican',
    );
    expect(issuesOf({ ...base, type: 34, lines: [{ ...line, exempt: false }] })).toContain(
      'lines.0.exempt: El documento tipo 34 es exento: todas sus líneas son exentas',
    );
    expect(
      issuesOf({ ...base, type: 56, lines: Array.from({ length: 61 }, () => line), references: [] }),
    ).toContain('lines: El documento tipo 56 admite a lo más 60 líneas de detalle');
    expect(issuesOf({ ...base, type: 39, lines: Array.from({ length: 1000 }, () => line) })).toEqual([]);
    expect(issuesOf({ ...base, type: 39, lines: Array.from({ length: 1001 }, () => line) })).toContain(
      'lines: El documento tipo 39 admite a lo más 1000 líneas de detalle',
    );
  });
});
