import { ROLES } from '@erp/shared';
import { defineEntity, type InferEntity, p } from '@mikro-orm/core';
import { createdAtProperty, idProperty, tenantRowProperties } from '../platform/entity-props.ts';
import { Store } from './store.entity.ts';

/**
 * A person. Users are global (one login for several companies); what they may do in a tenant
 * comes from their memberships. Visible to the serving role only through RLS (see migration).
 */
export const User = defineEntity({
  name: 'User',
  tableName: 'app_user',
  properties: {
    id: idProperty(),
    email: p.string().unique(),
    name: p.string(),
    passwordHash: p.string().hidden().lazy(),
    active: p.boolean().default(true),
    createdAt: createdAtProperty(),
  },
});
export type User = InferEntity<typeof User>;

/** User × tenant × role, optionally limited to one store. */
export const Membership = defineEntity({
  name: 'Membership',
  tableName: 'membership',
  properties: {
    ...tenantRowProperties(),
    userId: () => p.manyToOne(User).mapToPk().fieldName('user_id'),
    role: p.enum(ROLES),
    storeId: () => p.manyToOne(Store).mapToPk().fieldName('store_id').nullable(),
    /** Off: the user no longer opens this tenant (see the membership_active migration). */
    active: p.boolean().default(true),
  },
});
export type Membership = InferEntity<typeof Membership>;
