import { describe, expect, it } from 'vitest';
import { companyFormOf, companyInputOf } from './company-form.ts';

const PROFILE = {
  slug: 'demo',
  rut: '76192083-9',
  razonSocial: 'Minimarket Demo SpA',
  giro: 'Venta al por menor',
  address: 'Av. Providencia 1234',
  comuna: 'Providencia',
  acteco: 471100,
  siiResolutionNumber: 80,
  siiResolutionDate: '2014-08-22',
  siiEnvironment: 'certification' as const,
  settings: {
    cashCloseTolerance: 1000,
    cashDropThreshold: 300000,
    lowFolioThreshold: 100,
    uf: null as { centavos: number; date: string } | null,
    discountLimitPercent: { owner: 100, admin: 100, supervisor: 50, cashier: 10, warehouse: 0 },
  },
};

describe('company form', () => {
  it('round-trips the profile into the save payload, showing pesos with thousands dots', () => {
    const { slug: _, ...input } = PROFILE;
    const form = companyFormOf(PROFILE);
    expect([form.cashCloseTolerance, form.cashDropThreshold]).toEqual(['1.000', '300.000']);
    expect(companyInputOf(form)).toEqual({ ok: true, input });
  });

  it('reads pesos with dots, decimal percents with a comma, and trims text', () => {
    const form = companyFormOf(PROFILE);
    form.cashDropThreshold = '250.000';
    form.discountLimitPercent.cashier = '12,5';
    form.giro = '  Abarrotes ';
    const result = companyInputOf(form);
    expect(result.ok && result.input).toMatchObject({
      giro: 'Abarrotes',
      settings: { cashDropThreshold: 250000, discountLimitPercent: { cashier: 12.5 } },
    });
  });

  it('reads the UF with its decimals into centavos, and shows it back as es-CL writes it', () => {
    const form = companyFormOf(PROFILE);
    expect([form.ufValue, form.ufDate]).toEqual(['', '']);
    for (const typed of ['39.727,96', '39727,96', '39727.96', '$ 39.727,96']) {
      form.ufValue = typed;
      form.ufDate = '2025-12-31';
      const result = companyInputOf(form);
      expect(result.ok && result.input.settings.uf).toEqual({ centavos: 3_972_796, date: '2025-12-31' });
    }
    form.ufValue = '39.727';
    const whole = companyInputOf(form);
    expect(whole.ok && whole.input.settings.uf).toEqual({ centavos: 3_972_700, date: '2025-12-31' });
    expect(
      companyFormOf({
        ...PROFILE,
        settings: { ...PROFILE.settings, uf: { centavos: 3_972_796, date: '2025-12-31' } },
      }).ufValue,
    ).toBe('39.727,96');
  });

  it('asks for the UF date with the value, and refuses a UF with more than two decimals', () => {
    const form = companyFormOf(PROFILE);
    form.ufValue = '39.727,961';
    form.ufDate = '';
    expect(companyInputOf(form)).toEqual({
      ok: false,
      problems: { ufValue: 'Pesos con hasta dos decimales, por ejemplo 39.727,96.', ufDate: 'Obligatorio.' },
    });
  });

  it('names the problem of each wrong field', () => {
    const form = companyFormOf(PROFILE);
    Object.assign(form, {
      rut: null,
      giro: ' ',
      acteco: '4711',
      siiResolutionNumber: '-1',
      cashCloseTolerance: '1,5',
    });
    form.discountLimitPercent.supervisor = '101';
    expect(companyInputOf(form)).toEqual({
      ok: false,
      problems: {
        rut: 'RUT no válido.',
        giro: 'Obligatorio.',
        acteco: 'Seis dígitos.',
        siiResolutionNumber: 'Número entero, cero o más.',
        cashCloseTolerance: 'Número entero, cero o más.',
        'discount.supervisor': 'Entre 0 y 100.',
      },
    });
  });
});
