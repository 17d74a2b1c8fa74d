export * from './cash.events.ts';
export * from './contract.ts';
export * from './define.ts';
export * from './hardware.events.ts';
export * from './tenancy.events.ts';
