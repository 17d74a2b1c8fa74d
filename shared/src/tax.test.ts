import { describe, expect, it } from 'vitest';
import { boletaNeedsBuyer, buyerIdThreshold, splitGross, UF_FALLBACK } from './tax.ts';

describe('boletas above 135 UF', () => {
  it('compares the total with 135 UF in centavos: above, not at', () => {
    // UF $39.727,96: 135 UF = $5.363.274,60.
    const uf = { centavos: 3_972_796 };
    expect(buyerIdThreshold(uf)).toBe(5_363_274);
    expect(boletaNeedsBuyer(5_363_274, uf)).toBe(false);
    expect(boletaNeedsBuyer(5_363_275, uf)).toBe(true);
    // A whole number of pesos: exactly 135 UF is not above it.
    expect(boletaNeedsBuyer(13_500, { centavos: 10_000 })).toBe(false);
    expect(boletaNeedsBuyer(13_501, { centavos: 10_000 })).toBe(true);
  });

  it('uses the UF of 2024-12-31 while none is set: the SII threshold of $5.186.253,15', () => {
    expect(UF_FALLBACK).toEqual({ centavos: 3_841_669, date: '2024-12-31' });
    expect(buyerIdThreshold(null)).toBe(5_186_253);
    expect(boletaNeedsBuyer(5_186_253, null)).toBe(false);
    expect(boletaNeedsBuyer(5_186_254, null)).toBe(true);
  });
});

describe('splitGross', () => {
  it('keeps net and IVA adding up to the gross', () => {
    expect(splitGross(680)).toEqual({ net: 571, iva: 109 });
    expect(splitGross(11_740)).toEqual({ net: 9866, iva: 1874 });
  });
});
