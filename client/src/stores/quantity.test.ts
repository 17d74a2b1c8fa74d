import { describe, expect, it } from 'vitest';
import { formatQuantity, lineGross, parseQuantity } from './quantity.ts';

describe('quantities', () => {
  it.each([
    ['0,75', '0.750'],
    ['2', '2.000'],
    ['1.2345', null],
    ['0', null],
    ['abc', null],
    ['3,', '3.000'],
  ])('reads %s typed by a person as %s', (typed, wire) => {
    expect(parseQuantity(typed)).toBe(wire);
  });

  it('shows kilograms with 3 decimals and units as whole numbers', () => {
    expect(formatQuantity('0.750', true)).toBe('0,750 kg');
    expect(formatQuantity('2.000', false)).toBe('2');
  });

  it('prices a line half up in whole pesos', () => {
    expect(lineGross(2490, '0.750')).toBe(1868);
    expect(lineGross(1990, '3.000')).toBe(5970);
  });
});
