import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { divRoundHalfUp, formatClp, roundCash } from './money.ts';
import { ivaFromNet, splitGross } from './tax.ts';

describe('money', () => {
  it('formats pesos the Chilean way', () => {
    expect(formatClp(1990)).toBe('$1.990');
    expect(formatClp(0)).toBe('$0');
    expect(formatClp(1234567)).toBe('$1.234.567');
    expect(formatClp(-500)).toBe('-$500');
    expect(() => formatClp(1.5)).toThrow();
  });

  it.each([
    [1990, 1990],
    [1991, 1990],
    [1995, 1990],
    [1996, 2000],
    [1999, 2000],
    [5, 0],
    [6, 10],
  ])('rounds cash %i to %i (Ley 20.956)', (input, expected) => {
    expect(roundCash(input)).toBe(expected);
  });

  it('rounds half up with integers only', () => {
    expect(divRoundHalfUp(5n, 2n)).toBe(3n);
    expect(divRoundHalfUp(4n, 2n)).toBe(2n);
    expect(divRoundHalfUp(-5n, 2n)).toBe(-3n);
  });
});

describe('IVA', () => {
  it('computes IVA from net as the SII example', () => {
    expect(ivaFromNet(100000)).toBe(19000);
    expect(ivaFromNet(571)).toBe(108);
  });

  it('splits a gross amount so the parts add up', () => {
    expect(splitGross(680)).toEqual({ net: 571, iva: 109 });
    expect(splitGross(1190)).toEqual({ net: 1000, iva: 190 });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000_000 }), (gross) => {
        const { net, iva } = splitGross(gross);
        return net + iva === gross && Math.abs(net * 1.19 - gross) <= 1;
      }),
    );
  });
});
