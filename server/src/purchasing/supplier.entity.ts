import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { tenantRowProperties } from '../platform/entity-props.ts';

/** A supplier, one per RUT within a tenant. */
export const Supplier = defineEntity({
  name: 'Supplier',
  tableName: 'supplier',
  properties: {
    ...tenantRowProperties(),
    rut: p.string(),
    name: p.string(),
    giro: p.string(),
  },
});
export type Supplier = InferEntity<typeof Supplier>;
