import { describe, expect, it } from 'vitest';
import { auditSummary } from './audit-summary.ts';

describe('auditSummary', () => {
  it('says what the POS entries record, in Spanish with pesos and quantities as es-CL writes them', () => {
    expect(auditSummary('discount', { name: 'Leche', amount: 1500 })).toBe('Leche: descuento de $1.500');
    expect(
      auditSummary('discount', { name: 'Leche', amount: 1500, label: '20% dañado', approverName: 'Sergio' }),
    ).toBe('Leche: descuento de $1.500 (20% dañado) · autorizó Sergio');
    expect(auditSummary('price_override', { name: 'Pan', listPrice: 2490, price: 1990 })).toBe(
      'Pan: $2.490 → $1.990',
    );
    expect(auditSummary('line_void', { name: 'Pan', quantity: '0.750', unitPrice: 2490 })).toBe(
      'Pan × 0,75 a $2.490',
    );
    expect(
      auditSummary('return', {
        creditNote: 7,
        original: '39-120',
        total: 1190,
        refundMethod: 'cash',
        reason: 'Vencido',
      }),
    ).toBe('Nota de crédito N° 7 de 39-120: $1.190 en efectivo · Vencido');
    expect(auditSummary('reprint', { copy: 2, documentType: 39, folio: 55 })).toBe('Copia 2 de Boleta N° 55');
    expect(auditSummary('drawer_sale', { saleId: 'x', documentType: 39, folio: 56, commandId: 'y' })).toBe(
      'Boleta N° 56',
    );
    expect(auditSummary('customer_complete', { rut: '11111111-1', filled: ['giro', 'phone'] })).toBe(
      'Cliente 11.111.111-1: se completó giro, teléfono',
    );
    const lines = [{ name: 'Leche', quantity: '2.000', unitPrice: 1190 }];
    expect(
      auditSummary('ticket_discard', { label: 'Espera 1', total: 2380, parkedBy: 'Cajero', lines }),
    ).toBe('«Espera 1»: 1 línea por $2.380, dejado en espera por Cajero');
  });

  it('says what a merma wrote off, why, its value at PPP and its note', () => {
    const merma = {
      writeOffId: 'x',
      name: 'Pan',
      quantity: '0.345',
      reason: 'damaged',
      unitCost: '999.99',
      value: 345,
    };
    expect(auditSummary('write_off', { ...merma, note: 'Se cayó la bandeja' })).toBe(
      'Pan × 0,345 (Dañado) a PPP: $345 · Se cayó la bandeja',
    );
    expect(auditSummary('write_off', { ...merma, reason: 'internal_use', note: null })).toBe(
      'Pan × 0,345 (Consumo interno) a PPP: $345',
    );
  });

  it('says whose approval PIN was refused and what was left, and which PIN was set or cleared', () => {
    const refused = { action: 'return', supervisorId: 'x', supervisor: 'Sergio', attemptsLeft: 3 };
    expect(auditSummary('approval_refused', refused)).toBe('PIN incorrecto de Sergio: quedan 3 intentos');
    expect(auditSummary('approval_refused', { ...refused, attemptsLeft: 0 })).toBe(
      'PIN incorrecto de Sergio: PIN bloqueado por 15 minutos',
    );
    expect(auditSummary('approval_refused', { ...refused, action: 'set_pin' })).toBe(
      'Contraseña incorrecta al crear el PIN de Sergio: quedan 3 intentos',
    );
    const cleared = { userId: 'x', email: 's@x.cl', approvalPin: 'cleared', before: {}, after: {} };
    expect(auditSummary('user_change', cleared)).toBe('PIN de autorización de s@x.cl: quitado');
    expect(auditSummary('user_change', { userId: 'x', email: 's@x.cl', before: {}, after: {} })).toBe(
      'email: s@x.cl',
    );
  });

  it('shows the plain fields of other kinds, leaving ids and nested objects out', () => {
    expect(auditSummary('catalog_import', { importId: 'x', created: 3, updated: 1, errors: [] })).toBe(
      'created: 3 · updated: 1',
    );
  });
});
