import { describe, expect, it } from 'vitest';
import { checkDigit, formatRut, isValidRut, normalizeRut } from './rut.ts';

describe('RUT', () => {
  it.each([
    ['76192083', '9'],
    ['60803000', 'K'],
    ['66666666', '6'],
    ['97975000', '5'],
    ['8414240', '9'],
  ])('check digit of %s is %s', (body, dv) => {
    expect(checkDigit(body)).toBe(dv);
  });

  it.each([
    ['76.192.083-9', '76192083-9'],
    ['76192083-9', '76192083-9'],
    ['761920839', '76192083-9'],
    ['60.803.000-k', '60803000-K'],
    [' 12.345.678-5 ', '12345678-5'],
  ])('normalizes %s', (input, expected) => {
    expect(normalizeRut(input)).toBe(expected);
  });

  it.each(['76192083-8', '', 'abc', '1-', '00000000-0', '123456789-0', '76.192.083-'])(
    'rejects %s',
    (input) => {
      expect(normalizeRut(input)).toBeNull();
      expect(isValidRut(input)).toBe(false);
    },
  );

  it('formats with dots', () => {
    expect(formatRut('76192083-9')).toBe('76.192.083-9');
    expect(formatRut('8414240-9')).toBe('8.414.240-9');
    expect(() => formatRut('76192083-1')).toThrow();
  });
});
