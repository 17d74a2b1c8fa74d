export * from './cash.events.ts';
export * from './catalog.events.ts';
export * from './contract.ts';
export * from './define.ts';
export * from './hardware.events.ts';
export * from './inventory.events.ts';
export * from './purchasing.events.ts';
export * from './tenancy.events.ts';
