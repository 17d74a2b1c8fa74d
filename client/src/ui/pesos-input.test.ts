import { describe, expect, it } from 'vitest';
import { parsePesos } from './pesos-input.ts';

describe('parsePesos', () => {
  it('reads whole pesos typed with or without thousands dots and the peso sign', () => {
    expect(parsePesos('1990')).toBe(1990);
    expect(parsePesos('1.990')).toBe(1990);
    expect(parsePesos(' $ 12.345.678 ')).toBe(12_345_678);
    expect(parsePesos('0')).toBe(0);
  });

  it('refuses decimals, misplaced dots, signs, empty text and more than $99.999.999', () => {
    for (const text of ['1990,5', '1.99', '19.90', '-100', '', 'mil', '1.9900', '100000000']) {
      expect(parsePesos(text), text).toBeNull();
    }
  });
});
