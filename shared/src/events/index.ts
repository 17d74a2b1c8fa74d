export * from './contract.ts';
export * from './define.ts';
export * from './tenancy.events.ts';
