import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { tenantRowProperties } from '../platform/entity-props.ts';

/** A sucursal. `siiBranchCode` is the CdgSIISucur the SII assigned to it, when it has one. */
export const Store = defineEntity({
  name: 'Store',
  tableName: 'store',
  properties: {
    ...tenantRowProperties(),
    name: p.string(),
    address: p.string(),
    comuna: p.string(),
    siiBranchCode: p.integer().nullable(),
  },
});
export type Store = InferEntity<typeof Store>;

/** A place stock is kept: each store has one or more; a central warehouse has no store. */
export const Warehouse = defineEntity({
  name: 'Warehouse',
  tableName: 'warehouse',
  properties: {
    ...tenantRowProperties(),
    storeId: () => p.manyToOne(Store).mapToPk().fieldName('store_id').nullable(),
    code: p.string(),
    name: p.string(),
  },
});
export type Warehouse = InferEntity<typeof Warehouse>;

/** A POS device of a store. */
export const Terminal = defineEntity({
  name: 'Terminal',
  tableName: 'terminal',
  properties: {
    ...tenantRowProperties(),
    storeId: () => p.manyToOne(Store).mapToPk().fieldName('store_id'),
    code: p.string(),
    name: p.string(),
  },
});
export type Terminal = InferEntity<typeof Terminal>;
