import { SII_ENVIRONMENTS } from '@erp/shared';
import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAtProperty, idProperty } from '../platform/entity-props.ts';

/** A company using ERP Market. Its id is the tenant key of every tenant-owned row. */
export const Tenant = defineEntity({
  name: 'Tenant',
  tableName: 'tenant',
  properties: {
    id: idProperty(),
    slug: p.string().unique(),
    rut: p.string(),
    razonSocial: p.string(),
    giro: p.string(),
    address: p.string(),
    comuna: p.string(),
    acteco: p.integer(),
    siiResolutionNumber: p.integer(),
    siiResolutionDate: p.string().columnType('date'),
    siiEnvironment: p.enum(SII_ENVIRONMENTS),
    settings: p.json<Record<string, unknown>>().defaultRaw("'{}'::jsonb"),
    createdAt: createdAtProperty(),
  },
});
export type Tenant = InferEntity<typeof Tenant>;
