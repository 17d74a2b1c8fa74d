import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAtProperty, idProperty, tenantIdProperty } from '../platform/entity-props.ts';

/** A supplier, one per RUT within a tenant. */
export const Supplier = defineEntity({
  name: 'Supplier',
  tableName: 'supplier',
  properties: {
    id: idProperty(),
    tenantId: tenantIdProperty(),
    rut: p.string(),
    name: p.string(),
    giro: p.string(),
    createdAt: createdAtProperty(),
  },
});
export type Supplier = InferEntity<typeof Supplier>;
