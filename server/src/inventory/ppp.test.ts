import { describe, expect, it } from 'vitest';
import { Dec } from './decimal.ts';
import { nextStockState, type StockState } from './ppp.ts';

const state = (quantity: string, averageCost: string): StockState => ({
  quantity: new Dec(quantity),
  averageCost: new Dec(averageCost),
});
const text = ({ state: s, unitCost }: ReturnType<typeof nextStockState>) => ({
  quantity: s.quantity.toFixed(3),
  averageCost: s.averageCost.toFixed(6),
  unitCost: unitCost.toFixed(6),
});

describe('weighted average cost (PPP)', () => {
  it('8 units at $10, then 4 at $16, average $12', () => {
    const first = nextStockState(state('0', '0'), 'receipt', new Dec(8), new Dec(10));
    const second = nextStockState(first.state, 'receipt', new Dec(4), new Dec(16));
    expect(text(second)).toEqual({ quantity: '12.000', averageCost: '12.000000', unitCost: '16.000000' });
  });

  it('sales, returns, adjustments and mermas move at the current average and keep it', () => {
    for (const [kind, qty] of [
      ['sale', '-5'],
      ['return', '1'],
      ['adjustment', '-0.250'],
      ['transfer_out', '-2'],
      ['count_adjustment', '3'],
      ['write_off', '-0.345'],
    ] as const) {
      expect(text(nextStockState(state('12', '12'), kind, new Dec(qty), null))).toEqual({
        quantity: new Dec(12).plus(qty).toFixed(3),
        averageCost: '12.000000',
        unitCost: '12.000000',
      });
    }
  });

  it('a receipt on zero or negative stock takes the receipt cost as the average', () => {
    expect(text(nextStockState(state('0', '12'), 'receipt', new Dec(5), new Dec(20))).averageCost).toBe(
      '20.000000',
    );
    expect(text(nextStockState(state('-2', '12'), 'receipt', new Dec(10), new Dec(30)))).toEqual({
      quantity: '8.000',
      averageCost: '30.000000',
      unitCost: '30.000000',
    });
  });

  it('keeps the last average when stock reaches zero', () => {
    expect(text(nextStockState(state('3', '7.5'), 'sale', new Dec(-3), null))).toEqual({
      quantity: '0.000',
      averageCost: '7.500000',
      unitCost: '7.500000',
    });
  });

  it('rounds a non-terminating average half up to 6 decimals, with weighed quantities', () => {
    // (1 × 10 + 2 × 11) / 3 = 10.6666…
    const a = nextStockState(state('1', '10'), 'transfer_in', new Dec(2), new Dec(11));
    expect(text(a).averageCost).toBe('10.666667');
    // (0.750 kg × 4990.5 + 1.255 kg × 5100) / 2.005 = 10143.375 / 2.005 = 5059.03990…
    const b = nextStockState(state('0.750', '4990.5'), 'receipt', new Dec('1.255'), new Dec(5100));
    expect(text(b)).toEqual({ quantity: '2.005', averageCost: '5059.039900', unitCost: '5100.000000' });
  });
});
