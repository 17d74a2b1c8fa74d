import { describe, expect, it } from 'vitest';
import { missingBuyerData } from './identified-boleta.ts';

describe('the buyer of a boleta above 135 UF', () => {
  it('is complete with a RUT other than the anonymous one, name, e-mail, phone and payment method', () => {
    const receiver = {
      rut: '12345678-5',
      businessName: 'María Pérez',
      email: 'm@x.cl',
      phone: '+56 9 1234 5678',
    };
    expect(missingBuyerData({ receiver, paymentMethod: 2 })).toEqual([]);
    expect(missingBuyerData({ receiver: { rut: '66666666-6' }, paymentMethod: undefined })).toEqual([
      'rut',
      'name',
      'email',
      'phone',
      'paymentMethod',
    ]);
    expect(
      missingBuyerData({ receiver: { ...receiver, businessName: '  ', phone: undefined }, paymentMethod: 1 }),
    ).toEqual(['name', 'phone']);
  });
});
