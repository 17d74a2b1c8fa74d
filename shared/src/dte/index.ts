export * from './decimal.ts';
export * from './document.ts';
export * from './latin1.ts';
