export * from './dte/index.ts';
export * from './errors.ts';
export * from './events/index.ts';
export * from './money.ts';
export * from './roles.ts';
export * from './rut.ts';
export * from './settings.ts';
export * from './tax.ts';
