import { describe, expect, it } from 'vitest';
import { t } from '../i18n/es-CL.ts';
import { checkWriteOff, emptyWriteOff, writeOffAttempts, writeOffValue } from './write-off-form.ts';

const fields = (quantity: string, reason: 'expired' | '' = 'expired', note = '') => ({
  ...emptyWriteOff(),
  quantity,
  reason,
  note,
});

describe('checkWriteOff', () => {
  it('sends the quantity on the wire form, the reason and a trimmed note (left out when blank)', () => {
    expect(checkWriteOff(fields('4', 'expired', '  vitrina  '), false)).toEqual({
      ok: true,
      input: { quantity: '4.000', reason: 'expired', note: 'vitrina' },
    });
    expect(checkWriteOff(fields('0,345', 'expired', '   '), true)).toEqual({
      ok: true,
      input: { quantity: '0.345', reason: 'expired' },
    });
  });

  it('says in Spanish what is wrong: no quantity, fractions of a unit, too much, no reason', () => {
    for (const text of ['', '0', '-1', 'dos', '1,2345']) {
      expect(checkWriteOff(fields(text), true), text).toEqual({ ok: false, problem: t.writeOff.badQuantity });
    }
    expect(checkWriteOff(fields('1,5'), false)).toEqual({ ok: false, problem: t.writeOff.wholeUnits });
    expect(checkWriteOff(fields('10000,001'), true)).toEqual({
      ok: false,
      problem: 'Una merma es de a lo más 10.000 unidades o kilos.',
    });
    expect(checkWriteOff(fields('10000'), false).ok).toBe(true);
    expect(checkWriteOff(fields('2', ''), false)).toEqual({ ok: false, problem: t.writeOff.needReason });
  });
});

describe('writeOffValue', () => {
  it('values the quantity at the PPP in whole pesos, half up, as the server does', () => {
    expect(writeOffValue('4.000', '1250.000000')).toBe(5000);
    expect(writeOffValue('0.345', '999.990000')).toBe(345);
    expect(writeOffValue('1.000', '1234.500000')).toBe(1235);
    expect(writeOffValue('3.000', '0.000000')).toBe(0);
  });
});

describe('writeOffAttempts', () => {
  it('keeps the id while the same merma is sent again, and takes a new one when it changes', () => {
    const idFor = writeOffAttempts();
    const merma = { warehouseId: 'w', productId: 'p', quantity: '2.000', reason: 'expired' };
    const first = idFor(merma);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(idFor({ ...merma })).toBe(first);
    const changed = idFor({ ...merma, quantity: '3.000' });
    expect(changed).not.toBe(first);
    expect(idFor({ ...merma, quantity: '3.000' })).toBe(changed);
    expect(writeOffAttempts()(merma)).not.toBe(first);
  });
});
