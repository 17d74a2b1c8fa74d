import { describe, expect, it } from 'vitest';
import { settlePayments } from './payments.ts';

describe('settling payments', () => {
  it('rounds the cash part to $10 and gives change (Ley 20.956)', () => {
    expect(settlePayments(1994, [{ method: 'cash', tendered: 2000 }])).toMatchObject({
      paidCash: 1990,
      change: 10,
      cashRounding: -4,
      toPay: 1990,
    });
    expect(settlePayments(1996, [{ method: 'cash', tendered: 5000 }])).toMatchObject({
      paidCash: 2000,
      change: 3000,
      cashRounding: 4,
    });
    expect(settlePayments(1995, [{ method: 'cash', tendered: 1990 }])).toMatchObject({
      paidCash: 1990,
      change: 0,
    });
  });

  it('never rounds card payments', () => {
    expect(settlePayments(1994, [{ method: 'card', amount: 1994, authorizationCode: 'A1' }])).toMatchObject({
      paidCard: 1994,
      paidCash: 0,
      cashRounding: 0,
      toPay: 1994,
    });
  });

  it('pays mixed: card amount as given, the rest in cash rounded', () => {
    const settled = settlePayments(10_997, [
      { method: 'card', amount: 5000, authorizationCode: 'X9' },
      { method: 'cash', tendered: 10_000 },
    ]);
    expect(settled).toMatchObject({
      paidCard: 5000,
      paidCash: 6000,
      change: 4000,
      cashRounding: 3,
      toPay: 11_000,
    });
    expect(settled.rows).toEqual([
      { method: 'cash', amount: 6000, tendered: 10_000, change: 4000 },
      { method: 'card', amount: 5000, authorizationCode: 'X9' },
    ]);
  });

  it('refuses too little cash, too much card and cash when nothing is left to pay', () => {
    expect(() => settlePayments(5000, [{ method: 'cash', tendered: 4000 }])).toThrow('Falta pagar $1.000.');
    expect(() => settlePayments(5000, [{ method: 'card', amount: 6000, authorizationCode: 'A' }])).toThrow(
      /supera el total/,
    );
    expect(() =>
      settlePayments(5000, [
        { method: 'card', amount: 5000, authorizationCode: 'A' },
        { method: 'cash', tendered: 100 },
      ]),
    ).toThrow(/no corresponde/);
  });
});
