import { describe, expect, it } from 'vitest';
import { formatCost, formatDelta, formatStock, formatWhen } from './format.ts';

describe('tablet formatting', () => {
  it.each([
    ['12.000', false, '12'],
    ['-2.000', false, '-2'],
    ['-0.000', false, '0'],
    ['0.750', true, '0,750 kg'],
    ['-0.500', true, '-0,500 kg'],
    ['1.500', false, '1,500'],
  ])('shows stock %s (weighable %s) as %s', (wire, weighable, shown) => {
    expect(formatStock(wire, weighable)).toBe(shown);
  });

  it('signs movements', () => {
    expect(formatDelta('12.000')).toBe('+12');
    expect(formatDelta('-1.000')).toBe('-1');
  });

  it.each([
    ['512.345678', '$512,35'],
    ['512.344999', '$512,34'],
    ['1500.000000', '$1.500'],
    ['1499.995', '$1.500'],
    ['0.000000', '$0'],
    ['615', '$615'],
    ['1234567.1', '$1.234.567,10'],
  ])('shows the cost %s as %s, rounded half up to cents', (wire, shown) => {
    expect(formatCost(wire)).toBe(shown);
  });

  it('shows a dash for a cost the server left out (a role that does not see costs)', () => {
    expect(formatCost(undefined)).toBe('—');
  });

  it('shows when as day-month and 24-hour time', () => {
    const local = new Date(2026, 10, 4, 17, 5);
    expect(formatWhen(local.toISOString())).toBe('04-11 17:05');
  });
});
