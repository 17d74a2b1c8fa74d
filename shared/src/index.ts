export * from './errors.ts';
export * from './money.ts';
export * from './rut.ts';
export * from './tax.ts';
export * from './dte/index.ts';
